using CustomerBase.Campaigns.Adapters.Email;
using CustomerBase.Campaigns.Infrastructure;
using CustomerBase.Campaigns.IntegrationEvents;
using CustomerBase.Campaigns.Model;
using CustomerBase.Consent.Contracts.Grpc;
using CustomerBase.Contacts.Contracts.Grpc;
using CustomerBase.Messaging;
using CustomerBase.Segmentation.Contracts.Grpc;
using CustomerBase.ServiceDefaults;
using CustomerBase.ServiceDefaults.Security;

namespace CustomerBase.Campaigns.Extensions;

public static class Extensions
{
    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        // The e-mail adapter runs inside campaigns when an SMTP server is configured (ADR 15); otherwise external tooling takes e-mail.
        var smtp = builder.Configuration.GetSection(SmtpOptions.Section).Get<SmtpOptions>();
        var emailAdapter = !string.IsNullOrEmpty(smtp?.Host);
        // A message previewed for a contact (their name and address in it) goes to consent's audit trail.
        builder.Services.AddPersonalDataAccessLog<CampaignsDbContext>(ResourceNames.Campaigns);
        builder.AddMessaging<CampaignsDbContext>(ResourceNames.Campaigns, bus =>
        {
            bus.AddConsumer<ErasureRequestedConsumer>();
            bus.AddConsumer<DeliveryReceiptConsumer>(typeof(DeliveryReceiptConsumerDefinition));
            bus.AddConsumer<DeliveryReceiptBatchConsumer>(typeof(DeliveryReceiptBatchConsumerDefinition));
            bus.AddConsumer<InteractionRecordedConsumer>();
            bus.AddConsumer<OrderPlacedConsumer>();
            bus.AddConsumer<SegmentMembershipChangedConsumer>();
            bus.AddConsumer<TaskDueConsumer>();
            if (emailAdapter)
            {
                bus.AddConsumer<EmailDeliveryConsumer>(typeof(EmailDeliveryConsumerDefinition));
            }
        }, DeliveryRouting.ConfigurePublishing);
        builder.Services.AddGrpc();
        builder.AddServiceDatabase<CampaignsDbContext>(ResourceNames.CampaignsDb);
        builder.AddRedis();
        // Scheduled launches, triggers and receipts run with no user behind them: they read audiences, consent and
        // contact cards as campaigns itself, and record unsubscribes reported by tooling.
        builder.AddServiceAccount(ResourceNames.Campaigns, Permissions.SegmentsRead, Permissions.ConsentRead, Permissions.ConsentWrite,
            Permissions.ContactsRead, Permissions.InteractionsRead);

        builder.Services.AddServiceGrpcClient<Audience.AudienceClient>(ResourceNames.Segmentation);
        builder.Services.AddServiceGrpcClient<ConsentCheck.ConsentCheckClient>(ResourceNames.Consent);
        builder.Services.AddServiceGrpcClient<ContactsDirectory.ContactsDirectoryClient>(ResourceNames.Contacts);
        builder.Services.AddHttpClient<ConsentWithdrawals>(http => http.BaseAddress = ResourceNames.HttpAddress(ResourceNames.Consent));

        builder.Services.AddOptions<CampaignsOptions>().BindConfiguration("Campaigns").ValidateOnStart();
        builder.Services.AddOptions<SmtpOptions>().BindConfiguration(SmtpOptions.Section);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<UnsubscribeLinks>();
        builder.Services.AddSingleton<RedisSendLimits>();
        builder.Services.AddSingleton<SmtpSender>();
        builder.Services.AddScoped<AudiencePreviewer>();
        builder.Services.AddScoped<DeliveryReceipts>();
        builder.Services.AddScoped<RecipientRecorder>();
        builder.Services.AddScoped<TriggerRecorder>();

        builder.Services.AddHostedService<CampaignScheduler>();
        builder.Services.AddHostedService<CampaignLauncher>();
        builder.Services.AddHostedService<MessageReleaser>();
        builder.Services.AddHostedService<BirthdayScanner>();
        return builder;
    }
}
