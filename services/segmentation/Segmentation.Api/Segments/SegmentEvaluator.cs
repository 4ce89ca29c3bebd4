using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using CustomerBase.Segmentation.Contracts;
using CustomerBase.Segmentation.Infrastructure;
using CustomerBase.Segmentation.Model;
using CustomerBase.Segmentation.Rules;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace CustomerBase.Segmentation.Segments;

/// <summary>A contact that entered or left a segment.</summary>
public sealed record MemberChange(Guid SegmentId, Guid ContactId, Contracts.MembershipChange Change);

/// <summary>
/// Keeps segment membership current. For the contacts an event touched, every dynamic segment's rule is evaluated in
/// one statement restricted to those ids and diffed against the stored membership; a whole segment (after a rule
/// change, on the schedule, in a rebuild) is evaluated set-based with its events written into the outbox by the same
/// statement. Inserts use ON CONFLICT DO NOTHING and deletes RETURNING, so a change is reported only by the
/// transaction that made it: an Entered is never published twice.
/// </summary>
public sealed class SegmentEvaluator(SegmentationDbContext db, SegmentCounts counts)
{
    // Parsed rules by segment and version: a rule is parsed once per change, compiled (cheap) per evaluation.
    private static readonly ConcurrentDictionary<(Guid, DateTimeOffset), RuleNode> Parsed = new();

    /// <summary>A contact matching a rule must be one contacts told us about (not only an order seen ahead of it).</summary>
    public const string KnownContact = "p.created_at IS NOT NULL";

    public static RuleNode RuleOf(Segment segment) =>
        Parsed.GetOrAdd((segment.Id, segment.UpdatedAt), _ =>
        {
            using var json = JsonDocument.Parse(segment.Rule!);
            return RuleJson.Read(json.RootElement);
        });

    /// <summary>Re-evaluates every dynamic segment for <paramref name="contactIds"/>, applies the differences, returns them.</summary>
    public async Task<List<MemberChange>> EvaluateContactsAsync(IReadOnlyCollection<Guid> contactIds, DateTimeOffset now, CancellationToken ct)
    {
        var segments = await db.Segments.AsNoTracking().Where(s => s.Kind == SegmentKinds.Dynamic && s.Rule != null).ToListAsync(ct);
        if (segments.Count == 0 || contactIds.Count == 0)
        {
            return [];
        }
        var ids = contactIds.Distinct().ToArray();
        var parameters = new SqlParameters();
        var ruleSql = new StringBuilder();
        foreach (var segment in segments)
        {
            var compiled = SegmentRuleCompiler.Compile(RuleOf(segment), parameters, now);
            if (ruleSql.Length > 0)
            {
                ruleSql.Append("\nUNION ALL\n");
            }
            ruleSql.Append($"SELECT {parameters.Add(segment.Id, NpgsqlDbType.Uuid)}::uuid AS segment_id, p.contact_id FROM contact_profiles p ")
                .Append($"WHERE p.contact_id = ANY(@ids) AND {KnownContact} AND {compiled.Predicate}");
        }
        var should = (await db.QueryAsync(ruleSql.ToString(), [.. parameters.All, new NpgsqlParameter("ids", ids)],
            r => (r.GetGuid(0), r.GetGuid(1)), ct)).ToHashSet();
        var segmentIds = segments.Select(s => s.Id).ToArray();
        var current = (await db.QueryAsync(
            "SELECT segment_id, contact_id FROM segment_members WHERE contact_id = ANY(@ids) AND segment_id = ANY(@segments)",
            [new NpgsqlParameter("ids", ids), new NpgsqlParameter("segments", segmentIds)], r => (r.GetGuid(0), r.GetGuid(1)), ct)).ToHashSet();

        var changes = new List<MemberChange>();
        changes.AddRange((await AddAsync([.. should.Except(current)], now, ct)).Select(m => new MemberChange(m.Item1, m.Item2, Contracts.MembershipChange.Entered)));
        changes.AddRange((await RemoveAsync([.. current.Except(should)], ct)).Select(m => new MemberChange(m.Item1, m.Item2, Contracts.MembershipChange.Exited)));
        return changes;
    }

    /// <summary>Adds members (static lists, or the entries a diff found); returns those that were not members yet.</summary>
    public async Task<List<(Guid, Guid)>> AddAsync(IReadOnlyList<(Guid Segment, Guid Contact)> members, DateTimeOffset now, CancellationToken ct)
    {
        if (members.Count == 0)
        {
            return [];
        }
        var added = await db.QueryAsync("""
            INSERT INTO segment_members (segment_id, contact_id, since)
            SELECT s, c, @now FROM unnest(@segments, @contacts) AS x(s, c)
            ON CONFLICT DO NOTHING
            RETURNING segment_id, contact_id
            """, [new NpgsqlParameter("segments", members.Select(m => m.Segment).ToArray()), new NpgsqlParameter("contacts", members.Select(m => m.Contact).ToArray()),
                  new NpgsqlParameter("now", NpgsqlDbType.TimestampTz) { Value = now.ToUniversalTime() }],
            r => (r.GetGuid(0), r.GetGuid(1)), ct);
        await counts.ForgetAsync(added.Select(a => a.Item1).Distinct());
        return added;
    }

    /// <summary>Removes members; returns those that were members.</summary>
    public async Task<List<(Guid, Guid)>> RemoveAsync(IReadOnlyList<(Guid Segment, Guid Contact)> members, CancellationToken ct)
    {
        if (members.Count == 0)
        {
            return [];
        }
        var removed = await db.QueryAsync("""
            DELETE FROM segment_members m USING unnest(@segments, @contacts) AS x(s, c)
            WHERE m.segment_id = x.s AND m.contact_id = x.c
            RETURNING m.segment_id, m.contact_id
            """, [new NpgsqlParameter("segments", members.Select(m => m.Segment).ToArray()), new NpgsqlParameter("contacts", members.Select(m => m.Contact).ToArray())],
            r => (r.GetGuid(0), r.GetGuid(1)), ct);
        await counts.ForgetAsync(removed.Select(a => a.Item1).Distinct());
        return removed;
    }

    /// <summary>Deleted or merged-away contacts leave every segment, dynamic and static.</summary>
    public async Task<List<MemberChange>> RemoveContactsAsync(Guid[] contactIds, CancellationToken ct)
    {
        var removed = await db.QueryAsync("DELETE FROM segment_members WHERE contact_id = ANY(@ids) RETURNING segment_id, contact_id",
            [new NpgsqlParameter("ids", contactIds)], r => new MemberChange(r.GetGuid(0), r.GetGuid(1), Contracts.MembershipChange.Exited), ct);
        await counts.ForgetAsync(removed.Select(c => c.SegmentId).Distinct());
        return removed;
    }

    /// <summary>
    /// Evaluates a whole dynamic segment set-based and applies the difference. With <paramref name="publish"/> each
    /// change's <see cref="SegmentMembershipChanged"/> is written to the outbox by the same statement (the caller
    /// signals the dispatcher after commit); a new segment's first population publishes nothing.
    /// </summary>
    public async Task<(long Entered, long Exited)> EvaluateSegmentAsync(Segment segment, DateTimeOffset now, bool publish, CancellationToken ct)
    {
        var parameters = new SqlParameters();
        var compiled = SegmentRuleCompiler.Compile(RuleOf(segment), parameters, now);
        var sql = $"""
            WITH target AS MATERIALIZED (
                SELECT p.contact_id FROM contact_profiles p WHERE {KnownContact} AND {compiled.Predicate}
            ), entered AS (
                INSERT INTO segment_members (segment_id, contact_id, since)
                SELECT @segment, t.contact_id, @now FROM target t
                WHERE NOT EXISTS (SELECT 1 FROM segment_members m WHERE m.segment_id = @segment AND m.contact_id = t.contact_id)
                ON CONFLICT DO NOTHING
                RETURNING contact_id
            ), exited AS (
                DELETE FROM segment_members m
                WHERE m.segment_id = @segment AND NOT EXISTS (SELECT 1 FROM target t WHERE t.contact_id = m.contact_id)
                RETURNING m.contact_id
            ), events AS (
                {BulkOutbox.InsertFrom("@type", """
                    SELECT jsonb_build_object('segmentId', @segment, 'contactId', c.contact_id, 'change', c.change, 'at', @now) AS body
                    FROM (SELECT contact_id, 0 AS change FROM entered UNION ALL SELECT contact_id, 1 AS change FROM exited) AS c
                    WHERE @publish
                    """)}
                RETURNING 1
            )
            SELECT (SELECT count(*) FROM entered), (SELECT count(*) FROM exited), (SELECT count(*) FROM events)
            """;
        var result = await db.QueryAsync(sql,
        [
            .. parameters.All,
            new NpgsqlParameter("segment", NpgsqlDbType.Uuid) { Value = segment.Id },
            new NpgsqlParameter("now", NpgsqlDbType.TimestampTz) { Value = now.ToUniversalTime() },
            new NpgsqlParameter("publish", publish),
            new NpgsqlParameter("type", BulkOutbox.TypeName<SegmentMembershipChanged>()),
        ], r => (r.GetInt64(0), r.GetInt64(1)), ct);
        await db.Segments.Where(s => s.Id == segment.Id).ExecuteUpdateAsync(s => s.SetProperty(x => x.EvaluatedAt, now), ct);
        await counts.ForgetAsync([segment.Id]);
        return result[0];
    }
}
