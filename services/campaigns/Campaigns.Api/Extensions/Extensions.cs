using CustomerBase.Campaigns.Infrastructure;
using CustomerBase.Campaigns.Model;
using CustomerBase.Consent.Contracts.Grpc;
using CustomerBase.Messaging;
using CustomerBase.Segmentation.Contracts.Grpc;
using CustomerBase.ServiceDefaults;

namespace CustomerBase.Campaigns.Extensions;

public static class Extensions
{
    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddMessaging<CampaignsDbContext>(ResourceNames.Campaigns, bus => bus.AddConsumer<IntegrationEvents.ErasureRequestedConsumer>());
        builder.Services.AddGrpc();
        builder.AddServiceDatabase<CampaignsDbContext>(ResourceNames.CampaignsDb);

        builder.Services.AddServiceGrpcClient<Audience.AudienceClient>(ResourceNames.Segmentation);
        builder.Services.AddServiceGrpcClient<ConsentCheck.ConsentCheckClient>(ResourceNames.Consent);
        builder.Services.AddScoped<AudiencePreviewer>();
        return builder;
    }
}
