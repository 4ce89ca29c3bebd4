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

/// <summary>Adds a batch of imported past orders to their contacts' purchase statistics, as <see cref="OrderPlacedConsumer"/> does one.</summary>
public sealed class OrdersImportedConsumer(SegmentationDbContext db, ILogger<OrdersImportedConsumer> logger)
    : InboxConsumer<SegmentationDbContext, OrdersImported>(db, logger)
{
    protected override Task HandleAsync(OrdersImported message, ConsumeContext<OrdersImported> context) =>
        Db.ApplyOrdersAsync([.. message.Orders.Select(o => o.ContactId)], [.. message.Orders.Select(o => o.Total)],
            [.. message.Orders.Select(o => o.OrderedAt.ToUniversalTime())], context.CancellationToken);
}
