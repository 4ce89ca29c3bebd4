using System.Buffers;
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
        WriteAsync(db, PlacedSql, orders.GroupBy(o => o.InteractionId).Select(g => g.Last()).Select(o => new Row(o.InteractionId, o.ContactId, o.OrderedAt, o.Total, o.Status ?? "new", o.OrderedAt, o.Lines)), ct);

    public static Task ApplyOrderStatusAsync(this SegmentationDbContext db, OrderStatusChanged change, CancellationToken ct) =>
        WriteAsync(db, StatusSql, [new Row(change.InteractionId, change.ContactId, change.ChangedAt, change.Total, change.Status, change.ChangedAt, change.Lines)], ct);

    public static Task DeleteOrderAsync(this SegmentationDbContext db, Guid interactionId, CancellationToken ct) =>
        db.ExecuteAsync("DELETE FROM orders WHERE interaction_id = @id", [new NpgsqlParameter("id", interactionId)], ct);

    private sealed record Row(Guid Id, Guid ContactId, DateTimeOffset OrderedAt, decimal Total, string Status, DateTimeOffset StatusAt, IReadOnlyList<OrderLine>? Lines);

    /// <summary>
    /// The rows as the JSON array <c>jsonb_to_recordset</c> reads, written field by field: an imported batch is 500
    /// orders, and a dictionary per order serialised by reflection (boxed values, object-typed members) cost more than
    /// the rest of reading it.
    /// </summary>
    private static ReadOnlyMemory<byte> BatchJson(IEnumerable<Row> rows)
    {
        var buffer = new ArrayBufferWriter<byte>(1 << 16);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartArray();
            foreach (var row in rows)
            {
                w.WriteStartObject();
                w.WriteString(Names.InteractionId, row.Id);
                w.WriteString(Names.ContactId, row.ContactId);
                w.WriteString(Names.OrderedAt, row.OrderedAt.ToUniversalTime());
                w.WriteNumber(Names.Total, row.Total);
                w.WriteString(Names.Status, row.Status.ToLowerInvariant());
                w.WriteString(Names.StatusAt, row.StatusAt.ToUniversalTime());
                // Lines folded per sku: an order is a basket, and affinity counts each product once per basket.
                var bySku = (row.Lines ?? []).GroupBy(l => l.Sku).Select(g => (Sku: g.Key, g.First().Category, Amount: g.Sum(l => l.Quantity * l.UnitPrice))).ToList();
                w.WriteStartArray(Names.Skus);
                foreach (var line in bySku)
                {
                    w.WriteStringValue(line.Sku);
                }
                w.WriteEndArray();
                w.WriteStartArray(Names.Categories);
                foreach (var line in bySku)
                {
                    if (line.Category is null)
                    {
                        w.WriteNullValue();
                    }
                    else
                    {
                        w.WriteStringValue(line.Category);
                    }
                }
                w.WriteEndArray();
                w.WriteStartArray(Names.Amounts);
                foreach (var line in bySku)
                {
                    w.WriteNumberValue(line.Amount);
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        return buffer.WrittenMemory;
    }

    private static Task WriteAsync(SegmentationDbContext db, string sql, IEnumerable<Row> rows, CancellationToken ct) =>
        db.ExecuteAsync(sql, [new NpgsqlParameter("batch", NpgsqlDbType.Jsonb) { Value = BatchJson(rows) }], ct);

    private static class Names
    {
        public static readonly JsonEncodedText InteractionId = JsonEncodedText.Encode("interaction_id");
        public static readonly JsonEncodedText ContactId = JsonEncodedText.Encode("contact_id");
        public static readonly JsonEncodedText OrderedAt = JsonEncodedText.Encode("ordered_at");
        public static readonly JsonEncodedText Total = JsonEncodedText.Encode("total");
        public static readonly JsonEncodedText Status = JsonEncodedText.Encode("status");
        public static readonly JsonEncodedText StatusAt = JsonEncodedText.Encode("status_at");
        public static readonly JsonEncodedText Skus = JsonEncodedText.Encode("skus");
        public static readonly JsonEncodedText Categories = JsonEncodedText.Encode("categories");
        public static readonly JsonEncodedText Amounts = JsonEncodedText.Encode("amounts");
    }
}
