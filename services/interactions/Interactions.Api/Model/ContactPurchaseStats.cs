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

    /// <summary>The counted orders' times, sorted: what the median interval is worked out from when an ingest merges orders in.</summary>
    public DateTimeOffset[] OrderDates { get; init; } = [];

    /// <summary>Spend per line category (a JSON object of numbers): what the top categories are worked out from when merging.</summary>
    public string CategorySpend { get; init; } = "{}";

    /// <summary>
    /// The database's clock when the row was computed: an ingest merging orders committed since then recomputes the row
    /// in full instead (it may count some of them already). <c>infinity</c> for rows written before the two columns above.
    /// </summary>
    public DateTimeOffset RefreshedAt { get; init; }
}
