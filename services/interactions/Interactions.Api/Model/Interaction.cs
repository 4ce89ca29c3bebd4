namespace CustomerBase.Interactions.Model;

/// <summary>
/// One touch on a contact's timeline. What every kind has lives in typed columns; what a kind adds
/// (an order's lines, a call's duration) lives in <see cref="Payload"/>, a jsonb document validated per kind.
/// </summary>
public sealed class Interaction
{
    public Guid Id { get; init; }
    public Guid ContactId { get; init; }
    public required string Kind { get; init; }
    public DateTimeOffset OccurredAt { get; init; }
    public DateTimeOffset RecordedAt { get; init; }

    /// <summary>JSON of the kind's payload, e.g. <see cref="OrderPayload"/>.</summary>
    public required string Payload { get; set; }
}

public static class InteractionKinds
{
    public const string Order = "order";
}

public sealed record OrderPayload(string Number, string Currency, decimal Total, IReadOnlyList<OrderLinePayload> Lines);

public sealed record OrderLinePayload(string Sku, string? Name, string? Category, decimal Quantity, decimal UnitPrice);
