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
app.MapDoubleOptInApi();
app.MapSuppressionsApi();
app.MapTransfersApi();
app.MapUnsubscribeApi();
app.MapPersonalDataApi();
app.MapAuditApi();
app.MapGrpcService<ConsentCheckService>();
app.MapGrpcService<PersonalDataService>();

await app.RunServiceAsync<ConsentDbContext>(args);
