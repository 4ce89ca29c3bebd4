using CustomerBase.Gateway;
using CustomerBase.Gateway.Hardening;
using CustomerBase.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddRedis();
builder.AddGatewayHardening();
builder.AddGatewayRoutes();

var app = builder.Build();
app.UseGatewayEdge();
app.MapDefaultEndpoints();
app.UseGatewayRateLimits();
app.MapApiReference();
app.MapReverseProxy();

app.Run();
