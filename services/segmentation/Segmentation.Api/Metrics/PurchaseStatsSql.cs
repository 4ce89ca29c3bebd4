using CustomerBase.Segmentation.Infrastructure;

namespace CustomerBase.Segmentation.Metrics;

/// <summary>
/// Recomputes contacts' purchase statistics from their stored orders, set-based: the same statement serves one
/// contact after an order and every contact in a rebuild, so the two can never disagree. Cancelled and returned
/// orders do not count.
/// </summary>
public static class PurchaseStatsSql
{
    // One read of the scope's orders feeds everything: totals and the median interval come from one sort (the window's
    // order is the grouping's, so nothing is sorted twice), the categories' spend from the same rows. A contact seen
    // only in orders (cancelled ones too) gets its row, with its statistics, in the same statement; the scope is repeated
    // on the updated table so that a slice reads only its own profiles.
    private const string Sql = """
        WITH o AS (
            SELECT contact_id, ordered_at, total, categories, amounts, status NOT IN ('cancelled', 'returned') AS counted
            FROM orders o WHERE {0}
        ), totals AS (
            SELECT contact_id, count(*) FILTER (WHERE counted)::int AS n, sum(total) FILTER (WHERE counted) AS total,
                   min(ordered_at) FILTER (WHERE counted) AS first, max(ordered_at) FILTER (WHERE counted) AS last,
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY days) FILTER (WHERE counted) AS median
            FROM (SELECT contact_id, counted, total, ordered_at,
                         extract(epoch FROM ordered_at - lag(ordered_at) OVER (PARTITION BY contact_id, counted ORDER BY ordered_at)) / 86400.0 AS days
                  FROM o) AS g
            GROUP BY contact_id
        ), spend AS (
            SELECT contact_id, category, sum(amount) AS spent
            FROM (SELECT contact_id, unnest(categories) AS category, unnest(amounts) AS amount FROM o WHERE counted) AS l
            WHERE category IS NOT NULL GROUP BY contact_id, category
        ), tops AS (
            SELECT contact_id, (array_agg(category ORDER BY spent DESC, category))[1:3] AS top FROM spend GROUP BY contact_id
        ), computed AS (
            SELECT contact_id, x.contact_id IS NULL AS missing, coalesce(t.n, 0) AS n, coalesce(t.total, 0) AS total,
                   round(t.total / t.n, 2) AS average, t.first, t.last, t.median, coalesce(c.top, '{{}}') AS top
            FROM (SELECT contact_id FROM contact_profiles x WHERE {1}) AS x
            FULL JOIN totals t USING (contact_id) LEFT JOIN tops c USING (contact_id)
        ), inserted AS (
            INSERT INTO contact_profiles (contact_id, order_count, total_spent, average_order, first_order_at, last_order_at,
                                          median_interval_days, top_categories, updated_at)
            SELECT contact_id, n, total, average, first, last, median, top, now() FROM computed WHERE missing
            ON CONFLICT (contact_id) DO NOTHING
        )
        UPDATE contact_profiles p SET
            order_count = c.n, total_spent = c.total, average_order = c.average, first_order_at = c.first, last_order_at = c.last,
            median_interval_days = c.median, top_categories = c.top, updated_at = now()
        FROM computed c
        WHERE p.contact_id = c.contact_id AND NOT c.missing AND {2}
          AND (p.order_count, p.total_spent, p.first_order_at, p.last_order_at, p.median_interval_days, p.top_categories)
              IS DISTINCT FROM (c.n, c.total, c.first, c.last, c.median, c.top)
        """;

    public static Task RecomputeAsync(SegmentationDbContext db, ContactScope scope, CancellationToken ct) =>
        db.ExecuteAsync(string.Format(System.Globalization.CultureInfo.InvariantCulture, Sql, scope.For("o"), scope.For("x"), scope.For("p")), scope.Fresh(), ct);

    /// <summary>
    /// A rebuild's slice (a quarter of the contacts, inside the caller's transaction). Their orders lie on every page
    /// of the orders table, so one sequential read beats the contact index (whose bitmap visits every page anyway and
    /// then rechecks them); and the slice's sort and hash tables fit in <paramref name="workMemMb"/> instead of spilling
    /// at the default 4 MB. Both settings end with the transaction.
    /// </summary>
    public static async Task RecomputeSliceAsync(SegmentationDbContext db, ContactScope scope, int workMemMb, CancellationToken ct)
    {
        await db.ExecuteAsync(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"SET LOCAL work_mem = '{workMemMb}MB'; SET LOCAL enable_bitmapscan = off; SET LOCAL enable_indexscan = off"), [], ct);
        await RecomputeAsync(db, scope, ct);
    }
}
