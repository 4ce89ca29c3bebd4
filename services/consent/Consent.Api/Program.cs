using CustomerBase.Consent.Apis;
using CustomerBase.Consent.Extensions;
using CustomerBase.Consent.Grpc;
using CustomerBase.Consent.Infrastructure;
using CustomerBase.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapConsentApi();
app.MapGrpcService<ConsentCheckService>();

await app.RunServiceAsync<ConsentDbContext>(args);
