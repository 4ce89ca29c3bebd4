using CustomerBase.Campaigns.Apis;
using CustomerBase.Campaigns.Extensions;
using CustomerBase.Campaigns.Infrastructure;
using CustomerBase.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapCampaignsApi();
app.MapCampaignLifecycleApi();
app.MapCampaignMessagesApi();
app.MapGrpcService<CustomerBase.Campaigns.Grpc.PersonalDataService>();

await app.RunServiceAsync<CampaignsDbContext>(args);
