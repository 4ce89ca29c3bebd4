using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace CustomerBase.Interactions.Infrastructure;

/// <summary>
/// Recomputes the <c>contact_purchase_stats</c> rows of some contacts from their orders, inside the caller's
/// transaction, so the aggregate commits with the write that changed it. Cancelled and returned orders do not count.
/// </summary>
public static class PurchaseStatsRefresher
{
    // Two writers of one contact's orders would each compute from a snapshot without the other's order; a transaction
    // lock per bucket of contacts (at most 1,024 per transaction, taken in order so none deadlock) makes the second
    // wait and then read the first's committed order.
    private const string LockSql = """
        SELECT pg_advisory_xact_lock(7301, b) FROM (
            SELECT DISTINCT hashtext(id::text) & 1023 AS b FROM unnest(@ids) AS id ORDER BY 1) AS buckets
        """;

    private const string RefreshSql = """
        WITH orders AS (
            SELECT contact_id, occurred_at, (payload->>'total')::numeric AS total, payload->'lines' AS lines
            FROM interactions
            WHERE contact_id = ANY(@ids) AND kind = 'order' AND status NOT IN ('cancelled', 'returned')
        ), totals AS (
            SELECT contact_id, min(occurred_at) AS first, max(occurred_at) AS last, count(*) AS n, sum(total) AS total
            FROM orders GROUP BY contact_id
        ), gaps AS (
            SELECT contact_id, extract(epoch FROM occurred_at - lag(occurred_at) OVER (PARTITION BY contact_id ORDER BY occurred_at)) / 86400.0 AS days
            FROM orders
        ), medians AS (
            SELECT contact_id, percentile_cont(0.5) WITHIN GROUP (ORDER BY days) AS median FROM gaps WHERE days IS NOT NULL GROUP BY contact_id
        ), spend AS (
            SELECT o.contact_id, l->>'category' AS category,
                   sum((l->>'quantity')::numeric * (l->>'unitPrice')::numeric) AS spent,
                   row_number() OVER (PARTITION BY o.contact_id ORDER BY sum((l->>'quantity')::numeric * (l->>'unitPrice')::numeric) DESC, l->>'category') AS rank
            FROM orders o, jsonb_array_elements(o.lines) AS l
            WHERE l->>'category' IS NOT NULL
            GROUP BY o.contact_id, l->>'category'
        ), tops AS (
            SELECT contact_id, array_agg(category ORDER BY rank) AS top FROM spend WHERE rank <= 3 GROUP BY contact_id
        )
        INSERT INTO contact_purchase_stats (contact_id, first_order_at, last_order_at, order_count, total, median_interval_days, top_categories)
        SELECT t.contact_id, t.first, t.last, t.n, t.total, coalesce(m.median, 0), coalesce(c.top, ARRAY[]::text[])
        FROM totals t LEFT JOIN medians m USING (contact_id) LEFT JOIN tops c USING (contact_id)
        ON CONFLICT (contact_id) DO UPDATE SET
            first_order_at = excluded.first_order_at, last_order_at = excluded.last_order_at, order_count = excluded.order_count,
            total = excluded.total, median_interval_days = excluded.median_interval_days, top_categories = excluded.top_categories;
        DELETE FROM contact_purchase_stats s
        WHERE s.contact_id = ANY(@ids) AND NOT EXISTS (
            SELECT 1 FROM interactions i WHERE i.contact_id = s.contact_id AND i.kind = 'order' AND i.status NOT IN ('cancelled', 'returned'));
        """;

    /// <summary>Refreshes the statistics of <paramref name="contactIds"/>; call inside the transaction of the write.</summary>
    public static async Task RefreshAsync(this InteractionsDbContext db, IReadOnlyCollection<Guid> contactIds, CancellationToken ct)
    {
        if (contactIds.Count == 0)
        {
            return;
        }
        var ids = contactIds.Distinct().ToArray();
        await db.Database.ExecuteSqlRawAsync(LockSql, [new NpgsqlParameter("ids", ids)], ct);
        await db.Database.ExecuteSqlRawAsync(RefreshSql, [new NpgsqlParameter("ids", ids)], ct);
    }

    /// <summary>The same refresh on a plain connection (bulk ingest, inside its COPY transaction).</summary>
    public static async Task RefreshAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyCollection<Guid> contactIds, CancellationToken ct)
    {
        var ids = contactIds.Distinct().ToArray();
        // Thousands of contacts read their orders with one sequential scan: a sort in memory instead of on disk, and no
        // JIT compilation (its optimisation cost more than it saved; measured over 1,800,000 orders).
        await using (var settings = new NpgsqlCommand("SET LOCAL work_mem = '64MB'; SET LOCAL jit = off", connection, transaction))
        {
            await settings.ExecuteNonQueryAsync(ct);
        }
        foreach (var sql in new[] { LockSql, RefreshSql })
        {
            await using var command = new NpgsqlCommand(sql, connection, transaction) { CommandTimeout = 600 };
            command.Parameters.AddWithValue("ids", ids);
            await command.ExecuteNonQueryAsync(ct);
        }
    }
}
