using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using CustomerBase.Contacts.Contracts;
using Npgsql;
using NpgsqlTypes;

namespace CustomerBase.Segmentation.Infrastructure;

/// <summary>A contact's attributes as one event carried them, and when (an older event never overwrites a newer one).</summary>
public sealed record ContactAttributes(Guid ContactId, ContactSnapshot Snapshot, DateTimeOffset At, DateTimeOffset? CreatedAt);

/// <summary>
/// Applies contact events to the read model as single set-based upserts (a batch of a thousand imported contacts is one
/// statement). Events for one contact may arrive in any order: attributes are taken only from an event at least as new
/// as the one they came from, and the creation time, once known, stays.
/// </summary>
public static class ContactProfileWriter
{
    private static readonly string[] AttributeColumns =
        ["first_name", "last_name", "gender", "birth_date", "city", "time_zone", "preferred_channel", "language", "tags", "owner_id", "team", "custom_fields", "attributes_at"];

    private static readonly string UpsertSql = $"""
        INSERT INTO contact_profiles AS p (contact_id, {string.Join(", ", AttributeColumns)}, created_at, order_count, total_spent, updated_at)
        SELECT x.id, x.first_name, x.last_name, x.gender, x.birth_date, x.city, x.time_zone, x.preferred_channel, x.language,
               coalesce(x.tags, ARRAY[]::text[]), x.owner_id, x.team, coalesce(x.custom_fields, jsonb_build_object()), x.attributes_at, x.created_at, 0, 0, now()
        FROM jsonb_to_recordset(@batch) AS x(id uuid, first_name text, last_name text, gender text, birth_date date, city text,
            time_zone text, preferred_channel text, language text, tags text[], owner_id text, team text, custom_fields jsonb,
            attributes_at timestamptz, created_at timestamptz)
        ON CONFLICT (contact_id) DO UPDATE SET
            {string.Join(",\n    ", AttributeColumns.Select(c => $"{c} = CASE WHEN p.attributes_at IS NULL OR p.attributes_at <= excluded.attributes_at THEN excluded.{c} ELSE p.{c} END"))},
            created_at = coalesce(p.created_at, excluded.created_at),
            updated_at = now()
        """;

    public static Task ApplyContactsAsync(this SegmentationDbContext db, IReadOnlyCollection<ContactAttributes> contacts, CancellationToken ct) =>
        db.ExecuteAsync(UpsertSql, [new NpgsqlParameter("batch", NpgsqlDbType.Jsonb) { Value = BatchJson(contacts) }], ct);

    /// <summary>
    /// The batch as the JSON array <c>jsonb_to_recordset</c> reads, written field by field: a dictionary per contact
    /// serialised as objects cost an import's consumer more than the upsert it feeds.
    /// </summary>
    private static string BatchJson(IReadOnlyCollection<ContactAttributes> contacts)
    {
        var buffer = new ArrayBufferWriter<byte>(Math.Max(256, contacts.Count * 320));
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            foreach (var c in contacts)
            {
                var s = c.Snapshot;
                json.WriteStartObject();
                json.WriteString("id", c.ContactId);
                Text(json, "first_name", s.FirstName);
                Text(json, "last_name", s.LastName);
                Text(json, "gender", s.Gender);
                Text(json, "birth_date", s.BirthDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                Text(json, "city", s.City);
                Text(json, "time_zone", s.TimeZone);
                Text(json, "preferred_channel", s.PreferredChannel);
                Text(json, "language", s.Language);
                json.WriteStartArray("tags");
                foreach (var tag in s.Tags ?? [])
                {
                    json.WriteStringValue(tag);
                }
                json.WriteEndArray();
                Text(json, "owner_id", s.OwnerId);
                Text(json, "team", s.Team);
                json.WriteStartObject("custom_fields");
                foreach (var (key, value) in s.CustomFields ?? new Dictionary<string, JsonElement>())
                {
                    json.WritePropertyName(key);
                    value.WriteTo(json);
                }
                json.WriteEndObject();
                json.WriteString("attributes_at", c.At.ToUniversalTime());
                if (c.CreatedAt is { } created) json.WriteString("created_at", created.ToUniversalTime()); else json.WriteNull("created_at");
                json.WriteEndObject();
            }
            json.WriteEndArray();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void Text(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null) json.WriteNull(name); else json.WriteString(name, value);
    }

    /// <summary>
    /// Deleted (or merged-away) contacts leave the read model with their orders; their memberships are returned by
    /// <see cref="Segments.SegmentEvaluator.RemoveContactsAsync"/>. A pending mark a count has claimed is left to it:
    /// the count waits for this transaction's contact locks, finds nothing left to count and deletes the mark; deleting
    /// it here would wait for the count's row lock while the count waits for ours (a deadlock PostgreSQL breaks after a
    /// second, by aborting one of the two).
    /// </summary>
    public static Task DeleteContactsAsync(this SegmentationDbContext db, Guid[] contactIds, CancellationToken ct) => db.ExecuteAsync("""
        DELETE FROM orders WHERE contact_id = ANY(@ids);
        DELETE FROM pending_statistics WHERE contact_id IN (
            SELECT contact_id FROM pending_statistics WHERE contact_id = ANY(@ids) FOR UPDATE SKIP LOCKED);
        DELETE FROM contact_profiles WHERE contact_id = ANY(@ids);
        """, [new NpgsqlParameter("ids", contactIds)], ct);

    /// <summary>The merged contacts' orders move to the survivor (their statistics are then recomputed from them).</summary>
    public static Task MoveOrdersAsync(this SegmentationDbContext db, Guid survivorId, Guid[] mergedIds, CancellationToken ct) => db.ExecuteAsync(
        "UPDATE orders SET contact_id = @survivor WHERE contact_id = ANY(@merged)",
        [new NpgsqlParameter("survivor", survivorId), new NpgsqlParameter("merged", mergedIds)], ct);
}
