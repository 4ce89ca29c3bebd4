using CustomerBase.Segmentation.Apis;
using CustomerBase.Segmentation.Extensions;
using CustomerBase.Segmentation.Grpc;
using CustomerBase.Segmentation.Infrastructure;
using CustomerBase.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapSegmentsApi();
app.MapSegmentMembersApi();
app.MapContactInsightsApi();
app.MapAnalyticsApi();
app.MapRebuildApi();
app.MapGrpcService<AudienceService>();
app.MapGrpcService<PersonalDataService>();

await app.RunServiceAsync<SegmentationDbContext>(args);
