using CustomerBase.Interactions.Contracts;
using CustomerBase.Messaging;
using CustomerBase.Segmentation.Infrastructure;
using CustomerBase.Segmentation.Metrics;
using CustomerBase.Segmentation.Segments;
using MassTransit;

namespace CustomerBase.Segmentation.IntegrationEvents;

/// <summary>Keeps an order, then recomputes its contact's statistics, metrics and segments.</summary>
public sealed class OrderPlacedConsumer(SegmentationDbContext db, ContactChangeProcessor processor, ILogger<OrderPlacedConsumer> logger)
    : InboxConsumer<SegmentationDbContext, OrderPlaced>(db, logger)
{
    protected override async Task HandleAsync(OrderPlaced message, ConsumeContext<OrderPlaced> context)
    {
        var ct = context.CancellationToken;
        await processor.LockAsync([message.ContactId], ct);
        await Db.ApplyOrdersPlacedAsync([message], ct);
        await processor.RefreshAsync([message.ContactId], ordersChanged: true, ct);
    }
}

/// <summary>A cancelled or returned order stops counting (and a reinstated one counts again).</summary>
public sealed class OrderStatusChangedConsumer(SegmentationDbContext db, ContactChangeProcessor processor, ILogger<OrderStatusChangedConsumer> logger)
    : InboxConsumer<SegmentationDbContext, OrderStatusChanged>(db, logger)
{
    protected override async Task HandleAsync(OrderStatusChanged message, ConsumeContext<OrderStatusChanged> context)
    {
        var ct = context.CancellationToken;
        await processor.LockAsync([message.ContactId], ct);
        await Db.ApplyOrderStatusAsync(message, ct);
        await processor.RefreshAsync([message.ContactId], ordersChanged: true, ct);
    }
}

/// <summary>
/// A batch of imported past orders (up to 500), kept at once ("also bought" counts them) and counted in their contacts'
/// statistics, metrics and segments by the next round of <see cref="PendingStatisticsRefresher"/> (ADR 0029). Its contact
/// locks are shared: an import's messages all touch the same contacts, and with exclusive locks they were stored one
/// message at a time; they only need to keep a count (which takes the locks exclusively) from reading half of them.
/// </summary>
public sealed class OrdersImportedConsumer(SegmentationDbContext db, PendingStatisticsRefresher pending, ILogger<OrdersImportedConsumer> logger)
    : InboxConsumer<SegmentationDbContext, OrdersImported>(db, logger)
{
    protected override async Task HandleAsync(OrdersImported message, ConsumeContext<OrdersImported> context)
    {
        var ct = context.CancellationToken;
        pending.NoteArrival();
        var ids = message.Orders.Select(o => o.ContactId).Distinct().ToList();
        await Db.LockContactsAsync(ids, ct, shared: true);
        await Db.ApplyOrdersPlacedAsync(message.Orders, ct);
        await PendingStatisticsRefresher.DeferAsync(Db, ids, ct);
    }
}

/// <summary>A deleted order leaves the contact's statistics (other kinds of interaction are not kept here).</summary>
public sealed class InteractionDeletedConsumer(SegmentationDbContext db, ContactChangeProcessor processor, ILogger<InteractionDeletedConsumer> logger)
    : InboxConsumer<SegmentationDbContext, InteractionDeleted>(db, logger)
{
    protected override async Task HandleAsync(InteractionDeleted message, ConsumeContext<InteractionDeleted> context)
    {
        if (message.Kind != "order")
        {
            return;
        }
        var ct = context.CancellationToken;
        await processor.LockAsync([message.ContactId], ct);
        await Db.DeleteOrderAsync(message.InteractionId, ct);
        await processor.RefreshAsync([message.ContactId], ordersChanged: true, ct);
    }
}
