using CustomerBase.Interactions.Contracts;
using CustomerBase.Messaging;
using CustomerBase.Segmentation.Infrastructure;
using MassTransit;

namespace CustomerBase.Segmentation.IntegrationEvents;

/// <summary>Adds an order to its contact's purchase statistics.</summary>
public sealed class OrderPlacedConsumer(SegmentationDbContext db, ILogger<OrderPlacedConsumer> logger)
    : InboxConsumer<SegmentationDbContext, OrderPlaced>(db, logger)
{
    protected override Task HandleAsync(OrderPlaced message, ConsumeContext<OrderPlaced> context) =>
        Db.ApplyOrderAsync(message.ContactId, message.Total, message.OrderedAt, context.CancellationToken);
}
