using System.Security.Claims;
using CustomerBase.Messaging;
using CustomerBase.Segmentation.Contracts;
using CustomerBase.Segmentation.Infrastructure;
using CustomerBase.Segmentation.Model;
using CustomerBase.Segmentation.Segments;
using CustomerBase.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace CustomerBase.Segmentation.Apis;

/// <summary>
/// A segment's members: read them in pages (contact-level, so contacts.read too, and a sales manager sees only their
/// team's), and add, remove or upload members of a static list, each change published as SegmentMembershipChanged.
/// </summary>
public static class SegmentMembersApi
{
    public const int MaxIdsPerCall = 100_000;
    private const int MaxPage = 1_000;

    public static IEndpointRouteBuilder MapSegmentMembersApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/segments/{id:guid}/members");
        api.MapGet("/", ListMembers).WithName(nameof(ListMembers)).RequireAuthorization(Permissions.SegmentsRead, Permissions.ContactsRead);
        api.MapPost("/", AddMembers).WithName(nameof(AddMembers)).RequireAuthorization(Permissions.SegmentsWrite);
        api.MapPost("/remove", RemoveMembers).WithName(nameof(RemoveMembers)).RequireAuthorization(Permissions.SegmentsWrite);
        api.MapPost("/upload", UploadMembers).WithName(nameof(UploadMembers)).RequireAuthorization(Permissions.SegmentsWrite)
            .Accepts<string>("text/plain", "text/csv");
        return app;
    }

    public static async Task<Results<Ok<MembersPage>, NotFound, ValidationProblem>> ListMembers(
        Guid id, Guid? after, int? limit, ClaimsPrincipal user, SegmentationDbContext db, CancellationToken ct)
    {
        var size = limit ?? 100;
        if (size is < 1 or > MaxPage)
        {
            return RuleProblems.Field("limit", $"From 1 to {MaxPage}.");
        }
        if (!await db.Segments.AnyAsync(s => s.Id == id, ct))
        {
            return TypedResults.NotFound();
        }
        var (visible, parameters) = ContactVisibility.For(user);
        var ids = await db.QueryAsync($"""
            SELECT m.contact_id FROM segment_members m JOIN contact_profiles p ON p.contact_id = m.contact_id
            WHERE m.segment_id = @segment AND m.contact_id > @after AND {visible}
            ORDER BY m.contact_id LIMIT @limit
            """, [.. parameters, new NpgsqlParameter("segment", id), new NpgsqlParameter("after", after ?? Guid.Empty), new NpgsqlParameter("limit", size)],
            r => r.GetGuid(0), ct);
        return TypedResults.Ok(new MembersPage(ids, ids.Count == size ? ids[^1] : null));
    }

    public static Task<Results<Ok<MembersChangedResponse>, NotFound, ValidationProblem>> AddMembers(
        Guid id, MembersRequest request, SegmentationDbContext db, SegmentEvaluator evaluator, TimeProvider clock, CancellationToken ct) =>
        ChangeAsync(id, request.ContactIds, MembershipChange.Entered, db, evaluator, clock, ct);

    public static Task<Results<Ok<MembersChangedResponse>, NotFound, ValidationProblem>> RemoveMembers(
        Guid id, MembersRequest request, SegmentationDbContext db, SegmentEvaluator evaluator, TimeProvider clock, CancellationToken ct) =>
        ChangeAsync(id, request.ContactIds, MembershipChange.Exited, db, evaluator, clock, ct);

    /// <summary>A file of contact ids, one a line (a CSV's first column; a header line is skipped). A bad line is a 400 naming it.</summary>
    public static async Task<Results<Ok<MembersChangedResponse>, NotFound, ValidationProblem>> UploadMembers(
        Guid id, HttpRequest http, SegmentationDbContext db, SegmentEvaluator evaluator, TimeProvider clock, CancellationToken ct)
    {
        var ids = new List<Guid>();
        using var reader = new StreamReader(http.Body);
        var line = 0;
        while (await reader.ReadLineAsync(ct) is { } text)
        {
            line++;
            var value = text.Split(',', 2)[0].Trim().Trim('"');
            if (value.Length == 0 || (line == 1 && !Guid.TryParse(value, out _) && value.Contains("id", StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }
            if (!Guid.TryParse(value, out var contactId))
            {
                return RuleProblems.Field($"line {line}", "Not a contact id (a UUID).");
            }
            if (ids.Count == MaxIdsPerCall)
            {
                return RuleProblems.Field("body", $"At most {MaxIdsPerCall} ids per upload.");
            }
            ids.Add(contactId);
        }
        return await ChangeAsync(id, ids, MembershipChange.Entered, db, evaluator, clock, ct);
    }

    private static async Task<Results<Ok<MembersChangedResponse>, NotFound, ValidationProblem>> ChangeAsync(
        Guid id, IReadOnlyList<Guid>? contactIds, MembershipChange change, SegmentationDbContext db, SegmentEvaluator evaluator, TimeProvider clock, CancellationToken ct)
    {
        if (contactIds is null || contactIds.Count == 0 || contactIds.Count > MaxIdsPerCall)
        {
            return RuleProblems.Field("contactIds", $"From 1 to {MaxIdsPerCall} contact ids.");
        }
        var segment = await db.Segments.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, ct);
        if (segment is null)
        {
            return TypedResults.NotFound();
        }
        if (segment.Kind != SegmentKinds.Static)
        {
            return RuleProblems.Field("kind", "Members of a dynamic segment follow its rule; only a static list takes members by hand.");
        }
        var ids = contactIds.Distinct().ToArray();
        var known = await db.ContactProfiles.Where(p => ids.Contains(p.ContactId) && p.CreatedAt != null).Select(p => p.ContactId).ToListAsync(ct);
        var now = clock.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var members = known.Select(c => (id, c)).ToList();
        var changed = change == MembershipChange.Entered ? await evaluator.AddAsync(members, now, ct) : await evaluator.RemoveAsync(members, ct);
        foreach (var (segmentId, contactId) in changed)
        {
            db.AddToOutbox(new SegmentMembershipChanged(segmentId, contactId, change, now));
        }
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return TypedResults.Ok(new MembersChangedResponse(changed.Count, [.. ids.Except(known)]));
    }
}
