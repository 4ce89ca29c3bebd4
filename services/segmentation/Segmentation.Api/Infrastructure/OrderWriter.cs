using System.Text.Json;
using CustomerBase.Interactions.Contracts;
using Npgsql;
using NpgsqlTypes;

namespace CustomerBase.Segmentation.Infrastructure;

/// <summary>
/// Keeps segmentation's copy of orders (<c>orders</c>), keyed by the interaction id, so an event applied twice or late
/// changes nothing it should not: a status is taken only from a change at least as new as the one it came from.
/// </summary>
public static class OrderWriter
{
    private const string UpsertSql = """
        INSERT INTO orders AS o (interaction_id, contact_id, ordered_at, total, status, status_at, skus, categories, amounts)
        SELECT x.interaction_id, x.contact_id, x.ordered_at, x.total, x.status, x.status_at, coalesce(x.skus, '{}'), coalesce(x.categories, '{}'), coalesce(x.amounts, '{}')
        FROM jsonb_to_recordset(@batch) AS x(interaction_id uuid, contact_id uuid, ordered_at timestamptz, total numeric, status text,
            status_at timestamptz, skus text[], categories text[], amounts numeric[])
        ON CONFLICT (interaction_id) DO UPDATE SET
            @@ordered_at
            status = CASE WHEN excluded.status_at >= o.status_at THEN excluded.status ELSE o.status END,
            status_at = greatest(o.status_at, excluded.status_at),
            total = excluded.total, skus = excluded.skus, categories = excluded.categories, amounts = excluded.amounts
        """;

    // A status change does not carry the order's time: an order first seen through one keeps the change's time until its OrderPlaced arrives.
    private static readonly string PlacedSql = UpsertSql.Replace("@@ordered_at", "ordered_at = excluded.ordered_at,", StringComparison.Ordinal);
    private static readonly string StatusSql = UpsertSql.Replace("@@ordered_at", "", StringComparison.Ordinal);

    /// <summary>A batch of orders as one upsert (an order listed twice is taken once: one statement cannot write a row twice).</summary>
    public static Task ApplyOrdersPlacedAsync(this SegmentationDbContext db, IReadOnlyCollection<OrderPlaced> orders, CancellationToken ct) =>
        WriteAsync(db, PlacedSql, orders.GroupBy(o => o.InteractionId).Select(g => g.Last()).Select(o => Row(o.InteractionId, o.ContactId, o.OrderedAt, o.Total, o.Status ?? "new", o.OrderedAt, o.Lines)), ct);

    public static Task ApplyOrderStatusAsync(this SegmentationDbContext db, OrderStatusChanged change, CancellationToken ct) =>
        WriteAsync(db, StatusSql, [Row(change.InteractionId, change.ContactId, change.ChangedAt, change.Total, change.Status, change.ChangedAt, change.Lines)], ct);

    public static Task DeleteOrderAsync(this SegmentationDbContext db, Guid interactionId, CancellationToken ct) =>
        db.ExecuteAsync("DELETE FROM orders WHERE interaction_id = @id", [new NpgsqlParameter("id", interactionId)], ct);

    private static Dictionary<string, object?> Row(Guid id, Guid contactId, DateTimeOffset orderedAt, decimal total, string status, DateTimeOffset statusAt, IReadOnlyList<OrderLine> lines)
    {
        // Lines folded per sku: an order is a basket, and affinity counts each product once per basket.
        var bySku = (lines ?? []).GroupBy(l => l.Sku).Select(g => (Sku: g.Key, g.First().Category, Amount: g.Sum(l => l.Quantity * l.UnitPrice))).ToList();
        return new()
        {
            ["interaction_id"] = id,
            ["contact_id"] = contactId,
            ["ordered_at"] = orderedAt.ToUniversalTime(),
            ["total"] = total,
            ["status"] = status.ToLowerInvariant(),
            ["status_at"] = statusAt.ToUniversalTime(),
            ["skus"] = bySku.Select(l => l.Sku).ToArray(),
            ["categories"] = bySku.Select(l => l.Category).ToArray(),
            ["amounts"] = bySku.Select(l => l.Amount).ToArray(),
        };
    }

    private static Task WriteAsync(SegmentationDbContext db, string sql, IEnumerable<Dictionary<string, object?>> rows, CancellationToken ct) =>
        db.ExecuteAsync(sql, [new NpgsqlParameter("batch", NpgsqlDbType.Jsonb) { Value = JsonSerializer.Serialize(rows) }], ct);
}
