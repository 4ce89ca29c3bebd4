namespace CustomerBase.Interactions.Model;

/// <summary>
/// A contact's purchase statistics, kept current on every write that touches their orders (see
/// <c>PurchaseStatsRefresher</c>), so gRPC <c>PurchaseStats</c> reads one row per contact instead of their orders.
/// </summary>
public sealed class ContactPurchaseStats
{
    public Guid ContactId { get; init; }
    public DateTimeOffset FirstOrderAt { get; init; }
    public DateTimeOffset LastOrderAt { get; init; }
    public int OrderCount { get; init; }
    public decimal Total { get; init; }
    public double MedianIntervalDays { get; init; }
    public string[] TopCategories { get; init; } = [];
}
