using CustomerBase.Messaging;
using CustomerBase.Segmentation.Infrastructure;
using CustomerBase.Segmentation.IntegrationEvents;
using CustomerBase.ServiceDefaults;

namespace CustomerBase.Segmentation.Extensions;

public static class Extensions
{
    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddMessaging<SegmentationDbContext>(ResourceNames.Segmentation, bus =>
        {
            bus.AddConsumer<ContactCreatedConsumer>();
            bus.AddConsumer<ContactUpdatedConsumer>();
            bus.AddConsumer<ContactDeletedConsumer>();
            bus.AddConsumer<ContactMergedConsumer>();
            bus.AddConsumer<ContactsImportedConsumer>();
            bus.AddConsumer<OrderPlacedConsumer>();
            bus.AddConsumer<OrdersImportedConsumer>();
            bus.AddConsumer<ErasureRequestedConsumer>();
        });
        builder.AddServiceDatabase<SegmentationDbContext>(ResourceNames.SegmentationDb);
        builder.Services.AddGrpc();
        return builder;
    }
}
