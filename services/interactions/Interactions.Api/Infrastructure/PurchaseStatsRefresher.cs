using Microsoft.EntityFrameworkCore;
using System.Text.Json;
using CustomerBase.Interactions.Grpc;
using CustomerBase.Interactions.Model;
using Npgsql;
using NpgsqlTypes;

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

    // Every column of a computed row replaces the stored one; refreshed_at is the database's clock when it was computed.
    private const string Upsert = "\n" + """
        ON CONFLICT (contact_id) DO UPDATE SET
            first_order_at = excluded.first_order_at, last_order_at = excluded.last_order_at, order_count = excluded.order_count,
            total = excluded.total, median_interval_days = excluded.median_interval_days, top_categories = excluded.top_categories,
            order_dates = excluded.order_dates, category_spend = excluded.category_spend, refreshed_at = excluded.refreshed_at
        """;

    private const string RefreshSql = """
        WITH orders AS (
            SELECT contact_id, occurred_at, (payload->>'total')::numeric AS total, payload->'lines' AS lines
            FROM interactions
            WHERE contact_id = ANY(@ids) AND kind = 'order' AND status NOT IN ('cancelled', 'returned')
        ), totals AS (
            SELECT contact_id, min(occurred_at) AS first, max(occurred_at) AS last, count(*) AS n, sum(total) AS total,
                   array_agg(occurred_at ORDER BY occurred_at) AS dates
            FROM orders GROUP BY contact_id
        ), gaps AS (
            SELECT contact_id, extract(epoch FROM occurred_at - lag(occurred_at) OVER (PARTITION BY contact_id ORDER BY occurred_at)) / 86400.0 AS days
            FROM orders
        ), medians AS (
            SELECT contact_id, percentile_cont(0.5) WITHIN GROUP (ORDER BY days) AS median FROM gaps WHERE days IS NOT NULL GROUP BY contact_id
        ), spend AS (
            -- Ties by code point (the "C" collation), whatever the database's: the ingest's merge orders them so too.
            SELECT o.contact_id, l->>'category' COLLATE "C" AS category,
                   sum((l->>'quantity')::numeric * (l->>'unitPrice')::numeric) AS spent,
                   row_number() OVER (PARTITION BY o.contact_id ORDER BY sum((l->>'quantity')::numeric * (l->>'unitPrice')::numeric) DESC, l->>'category' COLLATE "C") AS rank
            FROM orders o, jsonb_array_elements(o.lines) AS l
            WHERE l->>'category' IS NOT NULL
            GROUP BY o.contact_id, l->>'category' COLLATE "C"
        ), tops AS (
            SELECT contact_id, array_agg(category ORDER BY rank) FILTER (WHERE rank <= 3) AS top, jsonb_object_agg(category, spent) AS spend
            FROM spend GROUP BY contact_id
        )
        INSERT INTO contact_purchase_stats (contact_id, first_order_at, last_order_at, order_count, total, median_interval_days, top_categories,
                                            order_dates, category_spend, refreshed_at)
        SELECT t.contact_id, t.first, t.last, t.n, t.total, coalesce(m.median, 0), coalesce(c.top, ARRAY[]::text[]),
               t.dates, coalesce(c.spend, jsonb_build_object()), clock_timestamp()
        FROM totals t LEFT JOIN medians m USING (contact_id) LEFT JOIN tops c USING (contact_id)
        """ + Upsert + """
        ;
        DELETE FROM contact_purchase_stats s
        WHERE s.contact_id = ANY(@ids) AND NOT EXISTS (
            SELECT 1 FROM interactions i WHERE i.contact_id = s.contact_id AND i.kind = 'order' AND i.status NOT IN ('cancelled', 'returned'));
        """;

    /// <summary>Takes the statistics' locks of these contacts until the caller's transaction ends (as every refresh does).</summary>
    public static Task LockStatisticsAsync(this InteractionsDbContext db, IReadOnlyCollection<Guid> contactIds, CancellationToken ct) =>
        db.Database.ExecuteSqlRawAsync(LockSql, [new NpgsqlParameter("ids", contactIds.Distinct().ToArray())], ct);

    /// <summary>Refreshes the statistics of <paramref name="contactIds"/>; call inside the transaction of the write.</summary>
    public static async Task RefreshAsync(this InteractionsDbContext db, IReadOnlyCollection<Guid> contactIds, CancellationToken ct)
    {
        if (contactIds.Count == 0)
        {
            return;
        }
        await db.LockStatisticsAsync(contactIds, ct);
        await db.Database.ExecuteSqlRawAsync(RefreshSql, [new NpgsqlParameter("ids", contactIds.Distinct().ToArray())], ct);
    }

    // Each contact of a merge with its stored row, and whether it must be recomputed in full instead: a row computed
    // since the orders' span began (a live write or another ingest's merge may already count some of them; 'infinity'
    // marks rows written before rows kept their dates), or no row yet although the stored orders are not exactly these
    // (a live write cancelled, deleted or re-pointed some after they were committed, and dropped the row), or another
    // job's orders of the contact are committed and not merged (that job is still running, or its process died and
    // what it had counted is lost: the row lacks them).
    private const string StoredRowsSql = """
        SELECT d.id, s.contact_id IS NOT NULL,
               CASE WHEN s.contact_id IS NULL THEN (p.n, p.first, p.last) IS DISTINCT FROM (d.n, d.first, d.last) ELSE s.refreshed_at >= @since END
                   OR EXISTS (SELECT 1 FROM unmerged_purchases u WHERE u.contact_id = d.id AND u.job_id <> @job),
               s.first_order_at, s.last_order_at, s.order_count, s.total, s.order_dates, s.category_spend
        FROM unnest(@ids, @counts, @firsts, @lasts) AS d(id, n, first, last)
        LEFT JOIN contact_purchase_stats s ON s.contact_id = d.id
        LEFT JOIN LATERAL (
            SELECT count(*)::int AS n, min(i.occurred_at) AS first, max(i.occurred_at) AS last FROM interactions i
            WHERE s.contact_id IS NULL AND i.contact_id = d.id AND i.kind = 'order' AND i.status NOT IN ('cancelled', 'returned')
        ) AS p ON true
        """;

    private const string MergedColumns = "contact_id, first_order_at, last_order_at, order_count, total, median_interval_days, top_categories, order_dates, category_spend";

    /// <summary>
    /// Adds an ingest's committed orders to their contacts' statistics in one transaction of its own: each stored row is
    /// read and merged with what the orders add (dates sorted together, spend summed per category, the median interval
    /// and top categories worked out again, <see cref="PurchaseFigures"/>), so the cost follows the orders imported,
    /// not every order the contacts ever placed. Contacts whose row may already count some of these orders are
    /// recomputed in full. Takes the same contact locks as every other refresh, before reading.
    /// </summary>
    public static async Task MergeAsync(NpgsqlConnection connection, Guid jobId, ImportedPurchases purchases, CancellationToken ct)
    {
        await using var transaction = await BeginBulkAsync(connection, ct);
        // The job's marks are this span's (earlier spans' went with their merge): merged now, or with no order to merge.
        await ExecuteAsync(connection, transaction, "DELETE FROM unmerged_purchases WHERE job_id = @job", ct, ("job", jobId));
        if (purchases.Contacts.Count == 0)
        {
            await transaction.CommitAsync(ct);
            return;
        }
        var ids = purchases.Contacts.Keys.ToArray();
        await ExecuteAsync(connection, transaction, LockSql, ct, ("ids", ids));

        var full = new List<Guid>();
        var merged = new List<MergedRow>(ids.Length);
        await using (var query = new NpgsqlCommand(StoredRowsSql, connection, transaction) { CommandTimeout = 600 })
        {
            query.Parameters.AddWithValue("ids", ids);
            query.Parameters.AddWithValue("counts", ids.Select(id => purchases.Contacts[id].Count).ToArray());
            query.Parameters.AddWithValue("firsts", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, ids.Select(id => purchases.Contacts[id].First).ToArray());
            query.Parameters.AddWithValue("lasts", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, ids.Select(id => purchases.Contacts[id].Last).ToArray());
            query.Parameters.AddWithValue("since", purchases.Since);
            query.Parameters.AddWithValue("job", jobId);
            await using var reader = await query.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var id = reader.GetGuid(0);
                if (reader.GetBoolean(2))
                {
                    full.Add(id);
                    continue;
                }
                var stored = reader.GetBoolean(1) ? new StoredRow(reader.GetFieldValue<DateTime>(3), reader.GetFieldValue<DateTime>(4),
                    reader.GetInt32(5), reader.GetDecimal(6), reader.GetFieldValue<DateTime[]>(7),
                    JsonSerializer.Deserialize<Dictionary<string, decimal>>(reader.GetString(8))!) : null;
                merged.Add(Merge(id, stored, purchases.Contacts[id]));
            }
        }
        if (full.Count > 0)
        {
            await ExecuteAsync(connection, transaction, RefreshSql, ct, ("ids", full.ToArray()));
        }
        await WriteMergedAsync(connection, transaction, merged, ct);
        await transaction.CommitAsync(ct);
    }

    private sealed record StoredRow(DateTime First, DateTime Last, int Count, decimal Total, DateTime[] Dates, Dictionary<string, decimal> Spend);

    private sealed record MergedRow(Guid ContactId, DateTime First, DateTime Last, int Count, decimal Total, double Median, string[] Top,
        DateTime[] Dates, Dictionary<string, decimal> Spend);

    private static MergedRow Merge(Guid id, StoredRow? stored, ImportedPurchases.Contact added)
    {
        added.Dates.Sort();
        var dates = PurchaseFigures.MergeSorted(stored?.Dates ?? [], added.Dates);
        var spend = stored?.Spend ?? new Dictionary<string, decimal>(StringComparer.Ordinal);
        foreach (var (category, amount) in added.Spend)
        {
            spend[category] = spend.GetValueOrDefault(category) + amount;
        }
        return new MergedRow(id, dates[0], dates[^1], (stored?.Count ?? 0) + added.Count, (stored?.Total ?? 0) + added.Total,
            PurchaseFigures.MedianIntervalDays(dates), PurchaseFigures.TopCategories(spend, PurchaseStatsService.TopCategories), dates, spend);
    }

    private static async Task WriteMergedAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, List<MergedRow> rows, CancellationToken ct)
    {
        if (rows.Count == 0)
        {
            return;
        }
        await using (var create = new NpgsqlCommand($"CREATE TEMP TABLE purchase_merged ON COMMIT DROP AS SELECT {MergedColumns} FROM contact_purchase_stats WITH NO DATA", connection, transaction))
        {
            await create.ExecuteNonQueryAsync(ct);
        }
        await using (var copy = await connection.BeginBinaryImportAsync($"COPY purchase_merged ({MergedColumns}) FROM STDIN (FORMAT BINARY)", ct))
        {
            foreach (var row in rows)
            {
                await copy.StartRowAsync(ct);
                await copy.WriteAsync(row.ContactId, NpgsqlDbType.Uuid, ct);
                await copy.WriteAsync(row.First, NpgsqlDbType.TimestampTz, ct);
                await copy.WriteAsync(row.Last, NpgsqlDbType.TimestampTz, ct);
                await copy.WriteAsync(row.Count, NpgsqlDbType.Integer, ct);
                await copy.WriteAsync(row.Total, NpgsqlDbType.Numeric, ct);
                await copy.WriteAsync(row.Median, NpgsqlDbType.Double, ct);
                await copy.WriteAsync(row.Top, NpgsqlDbType.Array | NpgsqlDbType.Text, ct);
                await copy.WriteAsync(row.Dates, NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, ct);
                await copy.WriteAsync(JsonSerializer.Serialize(row.Spend), NpgsqlDbType.Jsonb, ct);
            }
            await copy.CompleteAsync(ct);
        }
        await using var upsert = new NpgsqlCommand(
            $"INSERT INTO contact_purchase_stats ({MergedColumns}, refreshed_at) SELECT {MergedColumns}, clock_timestamp() FROM purchase_merged" + Upsert,
            connection, transaction) { CommandTimeout = 600 };
        await upsert.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Marks contacts whose orders the job commits in the caller's transaction, until its merge (<see cref="UnmergedPurchases"/>).</summary>
    public static async Task MarkUnmergedAsync(NpgsqlConnection connection, Guid jobId, IReadOnlyCollection<Guid> contactIds, CancellationToken ct)
    {
        if (contactIds.Count == 0)
        {
            return;
        }
        await using var command = new NpgsqlCommand(
            "INSERT INTO unmerged_purchases (contact_id, job_id) SELECT id, @job FROM unnest(@ids) AS id ON CONFLICT DO NOTHING", connection);
        command.Parameters.AddWithValue("job", jobId);
        command.Parameters.AddWithValue("ids", contactIds.ToArray());
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Recomputes thousands of contacts' statistics from all their orders, in a transaction of its own (seeding a base).</summary>
    public static async Task RecomputeAsync(NpgsqlConnection connection, IReadOnlyCollection<Guid> contactIds, CancellationToken ct)
    {
        await using var transaction = await BeginBulkAsync(connection, ct);
        var ids = contactIds.Distinct().ToArray();
        await ExecuteAsync(connection, transaction, LockSql, ct, ("ids", ids));
        await ExecuteAsync(connection, transaction, RefreshSql, ct, ("ids", ids));
        await transaction.CommitAsync(ct);
    }

    private static async Task<NpgsqlTransaction> BeginBulkAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        var transaction = await connection.BeginTransactionAsync(ct);
        // A full recompute of thousands of contacts reads their orders with one sequential scan: a sort in memory instead
        // of on disk, and no JIT compilation (its optimisation cost more than it saved; measured over 1,800,000 orders).
        await using var settings = new NpgsqlCommand("SET LOCAL work_mem = '64MB'; SET LOCAL jit = off", connection, transaction);
        await settings.ExecuteNonQueryAsync(ct);
        return transaction;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken ct, (string Name, object Value) parameter)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction) { CommandTimeout = 600 };
        command.Parameters.AddWithValue(parameter.Name, parameter.Value);
        await command.ExecuteNonQueryAsync(ct);
    }
}
