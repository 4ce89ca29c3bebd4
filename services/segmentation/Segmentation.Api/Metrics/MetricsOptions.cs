using System.ComponentModel.DataAnnotations;

namespace CustomerBase.Segmentation.Metrics;

/// <summary>Thresholds of the per-contact metrics (configuration section "Metrics"); docs/segmentation.md defines each metric.</summary>
public sealed class MetricsOptions
{
    /// <summary>Loyal: at least this many orders …</summary>
    [Range(2, 10_000)] public int LoyalMinOrders { get; set; } = 5;

    /// <summary>… and at least this much spent in total.</summary>
    [Range(0, 1_000_000_000)] public decimal LoyalMinSpent { get; set; } = 500m;

    /// <summary>Inactive: for a buyer with no usual interval yet (one order), this many days since the last order.</summary>
    [Range(1, 10_000)] public double InactiveAfterDays { get; set; } = 180;

    /// <summary>Inactive: for a repeat buyer, this many times their median interval since the last order …</summary>
    [Range(1, 100)] public double InactiveIntervalFactor { get; set; } = 3;

    /// <summary>… but never fewer days than this (a daily buyer is not inactive after three days).</summary>
    [Range(0, 10_000)] public double InactiveMinDays { get; set; } = 30;

    /// <summary>Churn risk: a buyer with at least this many orders …</summary>
    [Range(2, 10_000)] public int ChurnMinOrders { get; set; } = 3;

    /// <summary>… past this many times their own median interval since the last order.</summary>
    [Range(1, 100)] public double ChurnIntervalFactor { get; set; } = 2;

    /// <summary>Slices of a rebuild or refresh computed at once (one connection and about one core each).</summary>
    [Range(1, 16)] public int RebuildParallelism { get; set; } = Math.Clamp(Environment.ProcessorCount, 1, 4);

    /// <summary>
    /// PostgreSQL's work_mem (MB) for a rebuild's statistics slice: a quarter of 5,000,000 orders sorts in ~125 MB and
    /// hashes its categories' spend in ~210 MB (hash tables may take twice work_mem); less spills to disk, slower but right.
    /// </summary>
    [Range(4, 4096)] public int RebuildWorkMemMb { get; set; } = 128;

    /// <summary>How often every contact's metrics (time moves stages, RFM recency, churn) and every dynamic segment are recomputed.</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Imported orders and contacts are counted in their contacts' statistics, metrics and segments
    /// (<see cref="PendingStatisticsRefresher"/>) once no <c>OrdersImported</c> or <c>ContactsImported</c> has arrived for
    /// this long: each count reads the orders table about once, so during an import it waits for the import to pause
    /// rather than run again and again.
    /// </summary>
    public TimeSpan PendingStatisticsQuietPeriod { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>… but a long import has them counted at least this often, counted from its first message since the last count.</summary>
    public TimeSpan PendingStatisticsMaxDelay { get; set; } = TimeSpan.FromSeconds(60);
}

/// <summary>The named RFM groups, from the recency and frequency scores (docs/segmentation.md has the grid).</summary>
public static class RfmGroups
{
    public static readonly IReadOnlyList<string> All =
    [
        "champions", "loyal_customers", "potential_loyalists", "new_customers", "promising", "need_attention",
        "about_to_sleep", "cant_lose", "at_risk", "hibernating",
    ];

    /// <summary>
    /// The grid as SQL over the stored scores: the expression of the generated column <c>contact_profiles.rfm_group</c>,
    /// so the group always follows the scores written; the same in <see cref="Name"/>.
    /// </summary>
    public const string ColumnSql = """
        CASE WHEN rfm_recency IS NULL OR rfm_frequency IS NULL THEN NULL
             WHEN rfm_recency >= 5 AND rfm_frequency >= 4 THEN 'champions'
             WHEN rfm_recency >= 3 AND rfm_frequency >= 4 THEN 'loyal_customers'
             WHEN rfm_recency >= 4 AND rfm_frequency >= 2 THEN 'potential_loyalists'
             WHEN rfm_recency = 5 THEN 'new_customers'
             WHEN rfm_recency = 4 THEN 'promising'
             WHEN rfm_recency = 3 AND rfm_frequency = 3 THEN 'need_attention'
             WHEN rfm_recency = 3 THEN 'about_to_sleep'
             WHEN rfm_frequency = 5 THEN 'cant_lose'
             WHEN rfm_frequency >= 3 THEN 'at_risk'
             ELSE 'hibernating' END
        """;

    public static string Name(int r, int f) => (r, f) switch
    {
        ( >= 5, >= 4) => "champions",
        ( >= 3, >= 4) => "loyal_customers",
        ( >= 4, >= 2) => "potential_loyalists",
        (5, _) => "new_customers",
        (4, _) => "promising",
        (3, 3) => "need_attention",
        (3, _) => "about_to_sleep",
        (_, 5) => "cant_lose",
        (_, >= 3) => "at_risk",
        _ => "hibernating",
    };
}
