using CustomerBase.Segmentation.Infrastructure;

namespace CustomerBase.Segmentation.Metrics;

/// <summary>
/// Recomputes contacts' purchase statistics from their stored orders, set-based: the same statement serves one
/// contact after an order and every contact in a rebuild, so the two can never disagree. Cancelled and returned
/// orders do not count.
/// </summary>
public static class PurchaseStatsSql
{
    private const string Sql = """
        INSERT INTO contact_profiles (contact_id, order_count, total_spent, updated_at)
        SELECT DISTINCT o.contact_id, 0, 0, now() FROM orders o WHERE {0}
        ON CONFLICT (contact_id) DO NOTHING;

        WITH o AS (
            SELECT contact_id, ordered_at, total, categories, amounts FROM orders o
            WHERE {0} AND status NOT IN ('cancelled', 'returned')
        ), totals AS (
            SELECT contact_id, count(*)::int AS n, sum(total) AS total, min(ordered_at) AS first, max(ordered_at) AS last FROM o GROUP BY contact_id
        ), gaps AS (
            SELECT contact_id, extract(epoch FROM ordered_at - lag(ordered_at) OVER (PARTITION BY contact_id ORDER BY ordered_at)) / 86400.0 AS days FROM o
        ), medians AS (
            SELECT contact_id, percentile_cont(0.5) WITHIN GROUP (ORDER BY days) AS median FROM gaps WHERE days IS NOT NULL GROUP BY contact_id
        ), spend AS (
            SELECT o.contact_id, l.category, sum(l.amount) AS spent
            FROM o, unnest(o.categories, o.amounts) AS l(category, amount)
            WHERE l.category IS NOT NULL GROUP BY o.contact_id, l.category
        ), tops AS (
            SELECT contact_id, (array_agg(category ORDER BY spent DESC, category))[1:3] AS top FROM spend GROUP BY contact_id
        ), computed AS (
            SELECT x.contact_id, coalesce(t.n, 0) AS n, coalesce(t.total, 0) AS total, round(t.total / t.n, 2) AS average,
                   t.first, t.last, m.median, coalesce(c.top, '{{}}') AS top
            FROM contact_profiles x
            LEFT JOIN totals t USING (contact_id) LEFT JOIN medians m USING (contact_id) LEFT JOIN tops c USING (contact_id)
            WHERE {1}
        )
        UPDATE contact_profiles p SET
            order_count = c.n, total_spent = c.total, average_order = c.average, first_order_at = c.first, last_order_at = c.last,
            median_interval_days = c.median, top_categories = c.top, updated_at = now()
        FROM computed c
        WHERE p.contact_id = c.contact_id
          AND (p.order_count, p.total_spent, p.first_order_at, p.last_order_at, p.median_interval_days, p.top_categories)
              IS DISTINCT FROM (c.n, c.total, c.first, c.last, c.median, c.top)
        """;

    public static Task RecomputeAsync(SegmentationDbContext db, ContactScope scope, CancellationToken ct) =>
        db.ExecuteAsync(string.Format(System.Globalization.CultureInfo.InvariantCulture, Sql, scope.For("o"), scope.For("x")), scope.Fresh(), ct);
}
