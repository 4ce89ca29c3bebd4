using CustomerBase.Campaigns.Infrastructure;
using CustomerBase.Campaigns.Model;
using CustomerBase.Consent.Contracts.Grpc;
using CustomerBase.Messaging;
using CustomerBase.Segmentation.Contracts.Grpc;
using CustomerBase.ServiceDefaults;
using CustomerBase.ServiceDefaults.Security;

namespace CustomerBase.Campaigns.Extensions;

public static class Extensions
{
    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddMessaging<CampaignsDbContext>(ResourceNames.Campaigns, bus => bus.AddConsumer<IntegrationEvents.ErasureRequestedConsumer>());
        builder.Services.AddGrpc();
        builder.AddServiceDatabase<CampaignsDbContext>(ResourceNames.CampaignsDb);
        // Scheduled launches and triggers run with no user behind them: they read audiences, consent and contact cards as campaigns itself.
        builder.AddServiceAccount(ResourceNames.Campaigns, Permissions.SegmentsRead, Permissions.ConsentRead, Permissions.ContactsRead, Permissions.InteractionsRead);

        builder.Services.AddServiceGrpcClient<Audience.AudienceClient>(ResourceNames.Segmentation);
        builder.Services.AddServiceGrpcClient<ConsentCheck.ConsentCheckClient>(ResourceNames.Consent);
        builder.Services.AddScoped<AudiencePreviewer>();
        return builder;
    }
}
