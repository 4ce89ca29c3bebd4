using CustomerBase.Gateway;
using CustomerBase.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddGatewayRoutes();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapReverseProxy();

app.Run();
