namespace CustomerBase.Interactions.Contracts;

/// <summary>One line of an order, as segmentation needs it for statistics and product affinity.</summary>
public sealed record OrderLine(string Sku, string? Name, string? Category, decimal Quantity, decimal UnitPrice);

/// <summary>
/// An order was recorded on a contact's timeline (also for orders brought in by a history import, with
/// <see cref="Imported"/> set). <see cref="Status"/> and <see cref="PaymentStatus"/> were added later and are
/// null in messages written before them.
/// </summary>
public sealed record OrderPlaced(
    Guid InteractionId,
    Guid ContactId,
    string OrderNumber,
    DateTimeOffset OrderedAt,
    decimal Total,
    string Currency,
    IReadOnlyList<OrderLine> Lines,
    string? Status = null,
    string? PaymentStatus = null,
    bool Imported = false);

/// <summary>An order moved along its pipeline (new → paid → shipped → delivered, or cancelled / returned), with its lines.</summary>
public sealed record OrderStatusChanged(
    Guid InteractionId,
    Guid ContactId,
    string OrderNumber,
    string PreviousStatus,
    string Status,
    string PaymentStatus,
    DateTimeOffset ChangedAt,
    decimal Total,
    string Currency,
    IReadOnlyList<OrderLine> Lines);

/// <summary>
/// Past orders brought in by a history import, up to 500 per message (one <see cref="OrderPlaced"/> message per row
/// would cost more to publish and consume than the import itself). Each order is as <see cref="OrderPlaced"/> with
/// <c>Imported</c> set.
/// </summary>
public sealed record OrdersImported(Guid ImportJobId, IReadOnlyList<OrderPlaced> Orders);
