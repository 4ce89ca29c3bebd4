using CustomerBase.Segmentation.Contracts;
using CustomerBase.Segmentation.Infrastructure;
using Npgsql;
using NpgsqlTypes;

namespace CustomerBase.Segmentation.Metrics;

/// <summary>A contact whose lifecycle stage changed (previous null: the first stage computed).</summary>
public sealed record StageChange(Guid ContactId, string? Previous, string Stage);

/// <summary>
/// Lifecycle stage, RFM scores and group, churn risk and next purchase of contacts, from their statistics, set-based.
/// The same statement serves the contacts an event touched and a recomputation of everyone; RFM scores read the
/// quintile boundaries last computed over all buyers (<see cref="RecomputeRfmBoundariesAsync"/>).
/// </summary>
public static class ContactMetricsSql
{
    private const string DaysSince = "extract(epoch FROM @now - p.last_order_at) / 86400.0";

    private const string Stage = $"""
        CASE WHEN p.order_count = 0 THEN 'potential'
             WHEN {DaysSince} > CASE WHEN p.order_count >= 2 AND p.median_interval_days > 0
                                    THEN greatest(@inactive_min, @inactive_factor * p.median_interval_days)
                                    ELSE @inactive_after END THEN 'inactive'
             WHEN p.order_count >= @loyal_orders AND p.total_spent >= @loyal_spent THEN 'loyal'
             WHEN p.order_count >= 2 THEN 'active'
             ELSE 'new' END
        """;

    private const string Recency = $"""
        CASE WHEN p.order_count = 0 OR b.recency IS NULL THEN NULL ELSE
            6 - (CASE WHEN {DaysSince} > b.recency[4] THEN 5 WHEN {DaysSince} > b.recency[3] THEN 4
                      WHEN {DaysSince} > b.recency[2] THEN 3 WHEN {DaysSince} > b.recency[1] THEN 2 ELSE 1 END) END
        """;

    private const string Frequency = """
        CASE WHEN p.order_count = 0 OR b.frequency IS NULL THEN NULL ELSE
            CASE WHEN p.order_count > b.frequency[4] THEN 5 WHEN p.order_count > b.frequency[3] THEN 4
                 WHEN p.order_count > b.frequency[2] THEN 3 WHEN p.order_count > b.frequency[1] THEN 2 ELSE 1 END END
        """;

    private const string Monetary = """
        CASE WHEN p.order_count = 0 OR b.monetary IS NULL THEN NULL ELSE
            CASE WHEN p.total_spent > b.monetary[4] THEN 5 WHEN p.total_spent > b.monetary[3] THEN 4
                 WHEN p.total_spent > b.monetary[2] THEN 3 WHEN p.total_spent > b.monetary[1] THEN 2 ELSE 1 END END
        """;

    private const string Churn = $"""
        coalesce(p.order_count >= @churn_orders AND p.median_interval_days > 0 AND {DaysSince} > @churn_factor * p.median_interval_days, false)
        """;

    private const string NextPurchase =
        "CASE WHEN p.order_count >= 2 AND p.median_interval_days > 0 THEN p.last_order_at + p.median_interval_days * interval '1 day' END";

    // Every value is an expression over the row being updated, not a value read earlier: if an event's consumer updates
    // the same contact meanwhile, PostgreSQL re-evaluates them on its committed row (READ COMMITTED), so a scheduled
    // refresh never writes back metrics computed from statistics that have just changed. The RFM group is a stored
    // generated column over the two scores, not a subquery per row here, and the scope is repeated on the updated table
    // so that a slice reads its own rows by primary key instead of all of them to join with "old": with both, a
    // rebuild's metrics step over 1,000,000 contacts went from 35 s to 15 s.
    private static readonly string ComputeSql = $"""
        WITH b AS (SELECT recency, frequency, monetary FROM rfm_boundaries WHERE id = 1),
        old AS (SELECT p.contact_id, p.lifecycle_stage AS previous FROM contact_profiles p WHERE @@scope),
        changed AS (
            UPDATE contact_profiles p SET
                lifecycle_stage = {Stage}, rfm_recency = {Recency}, rfm_frequency = {Frequency}, rfm_monetary = {Monetary},
                churn_risk = {Churn}, next_purchase_at = {NextPurchase}, metrics_at = @now
            FROM old LEFT JOIN b ON TRUE
            WHERE p.contact_id = old.contact_id AND @@scope
              AND (p.lifecycle_stage, p.rfm_recency, p.rfm_frequency, p.rfm_monetary, p.churn_risk, p.next_purchase_at)
                  IS DISTINCT FROM ({Stage}, ({Recency})::smallint, ({Frequency})::smallint, ({Monetary})::smallint, {Churn}, {NextPurchase})
            RETURNING p.contact_id, old.previous, p.lifecycle_stage AS stage
        )
        """;

    /// <summary>
    /// Recomputes contacts' metrics and returns the stage changes, writing no events. The services write them with
    /// <see cref="RecomputeWithOutboxAsync"/>; this form lets the metrics tests check each change against hand-computed values.
    /// </summary>
    public static Task<List<StageChange>> RecomputeAsync(SegmentationDbContext db, ContactScope scope, MetricsOptions options, DateTimeOffset now, CancellationToken ct) =>
        db.QueryAsync(ComputeSql.Replace("@@scope", scope.For("p"), StringComparison.Ordinal) +
                      "SELECT contact_id, previous, stage FROM changed WHERE previous IS DISTINCT FROM stage",
            [.. Parameters(options, now), .. scope.Fresh()],
            r => new StageChange(r.GetGuid(0), r.IsDBNull(1) ? null : r.GetString(1), r.GetString(2)), ct);

    /// <summary>
    /// Recomputes contacts' metrics and writes their <see cref="LifecycleStageChanged"/> events straight into the outbox
    /// (the caller wakes the dispatcher after commit); returns how many changed stage.
    /// </summary>
    /// <param name="traceParent">The trace the events continue (the consumer's), if any.</param>
    public static async Task<long> RecomputeWithOutboxAsync(SegmentationDbContext db, ContactScope scope, MetricsOptions options, DateTimeOffset now, CancellationToken ct,
        string? traceParent = null)
    {
        var sql = ComputeSql.Replace("@@scope", scope.For("p"), StringComparison.Ordinal) + ", events AS (" +
            BulkOutbox.InsertFrom("@type", """
                SELECT jsonb_build_object('contactId', contact_id, 'previousStage', previous, 'stage', stage, 'at', @now) AS body
                FROM changed WHERE previous IS DISTINCT FROM stage
                """, "@trace_parent") + " RETURNING 1) SELECT count(*) FROM events";
        var rows = await db.QueryAsync(sql,
            [.. Parameters(options, now), .. scope.Fresh(), new NpgsqlParameter("type", BulkOutbox.TypeName<LifecycleStageChanged>()),
             new NpgsqlParameter("trace_parent", NpgsqlDbType.Text) { Value = (object?)traceParent ?? DBNull.Value }],
            r => r.GetInt64(0), ct);
        return rows[0];
    }

    private static NpgsqlParameter[] Parameters(MetricsOptions o, DateTimeOffset now) =>
    [
        new("now", NpgsqlDbType.TimestampTz) { Value = now.ToUniversalTime() },
        new("inactive_min", o.InactiveMinDays),
        new("inactive_factor", o.InactiveIntervalFactor),
        new("inactive_after", o.InactiveAfterDays),
        new("loyal_orders", o.LoyalMinOrders),
        new("loyal_spent", o.LoyalMinSpent),
        new("churn_orders", o.ChurnMinOrders),
        new("churn_factor", o.ChurnIntervalFactor),
    ];

    /// <summary>
    /// The quintile boundaries (20th, 40th, 60th, 80th percentiles) of recency in days, order count and spend over every
    /// known buyer, against which each contact's RFM scores are read.
    /// </summary>
    public static Task RecomputeRfmBoundariesAsync(SegmentationDbContext db, DateTimeOffset now, CancellationToken ct) => db.ExecuteAsync("""
        INSERT INTO rfm_boundaries (id, recency, frequency, monetary, computed_at)
        SELECT 1,
               percentile_cont(ARRAY[0.2, 0.4, 0.6, 0.8]) WITHIN GROUP (ORDER BY extract(epoch FROM @now - last_order_at) / 86400.0),
               percentile_cont(ARRAY[0.2, 0.4, 0.6, 0.8]) WITHIN GROUP (ORDER BY order_count),
               percentile_cont(ARRAY[0.2, 0.4, 0.6, 0.8]) WITHIN GROUP (ORDER BY total_spent),
               @now
        FROM contact_profiles WHERE order_count > 0 AND created_at IS NOT NULL
        HAVING count(*) > 0
        ON CONFLICT (id) DO UPDATE SET recency = excluded.recency, frequency = excluded.frequency, monetary = excluded.monetary,
            computed_at = excluded.computed_at
        """, [new NpgsqlParameter("now", NpgsqlDbType.TimestampTz) { Value = now.ToUniversalTime() }], ct);
}
