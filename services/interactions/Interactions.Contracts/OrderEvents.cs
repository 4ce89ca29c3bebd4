namespace CustomerBase.Interactions.Contracts;

/// <summary>One line of an order, as segmentation needs it for statistics and product affinity.</summary>
public sealed record OrderLine(string Sku, string? Name, string? Category, decimal Quantity, decimal UnitPrice);

/// <summary>An order was recorded on a contact's timeline.</summary>
public sealed record OrderPlaced(
    Guid InteractionId,
    Guid ContactId,
    string OrderNumber,
    DateTimeOffset OrderedAt,
    decimal Total,
    string Currency,
    IReadOnlyList<OrderLine> Lines);
