using CustomerBase.Messaging;
using CustomerBase.Segmentation.Infrastructure;
using CustomerBase.Segmentation.IntegrationEvents;
using CustomerBase.Segmentation.Metrics;
using CustomerBase.Segmentation.Segments;
using CustomerBase.ServiceDefaults;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CustomerBase.Segmentation.Extensions;

public static class Extensions
{
    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        // A contact's entry and preview samples (names) go to consent's audit trail.
        builder.Services.AddPersonalDataAccessLog<SegmentationDbContext>(ResourceNames.Segmentation);
        builder.AddMessaging<SegmentationDbContext>(ResourceNames.Segmentation, bus =>
        {
            bus.AddConsumer<ContactCreatedConsumer>();
            bus.AddConsumer<ContactUpdatedConsumer>();
            bus.AddConsumer<ContactDeletedConsumer>();
            bus.AddConsumer<ContactMergedConsumer>();
            bus.AddConsumer<ContactsImportedConsumer>();
            bus.AddConsumer<OrderPlacedConsumer>();
            bus.AddConsumer<OrderStatusChangedConsumer>();
            bus.AddConsumer<OrdersImportedConsumer>();
            bus.AddConsumer<InteractionDeletedConsumer>();
            bus.AddConsumer<ErasureRequestedConsumer>();
        });
        // One of each per contact an import or a rebuild touches, written by SQL: published as stored (ADR 27).
        builder.PublishStoredJson<CustomerBase.Segmentation.Contracts.LifecycleStageChanged>();
        builder.PublishStoredJson<CustomerBase.Segmentation.Contracts.SegmentMembershipChanged>();
        builder.AddServiceDatabase<SegmentationDbContext>(ResourceNames.SegmentationDb);
        builder.AddRedis();
        builder.Services.AddGrpc();
        builder.Services.TryAddSingleton(TimeProvider.System);

        builder.Services.AddOptions<MetricsOptions>().BindConfiguration("Metrics").ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<PreviewOptions>().BindConfiguration("Preview").ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddScoped<SegmentCounts>();
        builder.Services.AddScoped<SegmentEvaluator>();
        builder.Services.AddScoped<ContactChangeProcessor>();
        builder.Services.AddSingleton<ReadModelRecomputer>();
        builder.Services.AddHostedService<MetricsRefreshScheduler>();
        builder.Services.AddSingleton<PendingStatisticsRefresher>();
        builder.Services.AddHostedService(services => services.GetRequiredService<PendingStatisticsRefresher>());
        builder.Services.AddSingleton<RebuildRunner>();
        builder.Services.AddHostedService(services => services.GetRequiredService<RebuildRunner>());
        return builder;
    }
}
