using CustomerBase.Interactions.Apis;
using CustomerBase.Interactions.Extensions;
using CustomerBase.Interactions.Grpc;
using CustomerBase.Interactions.Infrastructure;
using CustomerBase.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapInteractionsApi();
app.MapTimelineApi();
app.MapPreferencesApi();
app.MapTasksApi();
app.MapImportsApi();
app.MapGrpcService<PurchaseStatsService>();
app.MapGrpcService<CustomerBase.Interactions.Grpc.PersonalDataService>();

await app.RunServiceAsync<InteractionsDbContext>(args);
