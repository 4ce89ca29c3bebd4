using System.Security.Claims;
using CustomerBase.Contacts.Apis;
using CustomerBase.Contacts.Infrastructure;
using CustomerBase.Contacts.Model;
using CustomerBase.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace CustomerBase.Contacts.Duplicates;

/// <summary>
/// Whole-base duplicate scans: start one (<c>202</c> + the job), follow its stage and percentage, then page through
/// the groups it found, most certain first, to review and merge (<c>POST /api/contacts/{id}/merge</c>).
/// </summary>
public static class DuplicateScansApi
{
    public const int GroupsPerPage = 100;

    public static IEndpointRouteBuilder MapDuplicateScansApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/contacts/duplicate-scans").RequireAuthorization(Permissions.ContactsWrite);
        api.MapPost("/", StartDuplicateScan).WithName(nameof(StartDuplicateScan));
        api.MapGet("/{id:guid}", GetDuplicateScan).WithName(nameof(GetDuplicateScan));
        api.MapGet("/{id:guid}/groups", ListDuplicateGroups).WithName(nameof(ListDuplicateGroups));
        return app;
    }

    public static async Task<Accepted<DuplicateScanResponse>> StartDuplicateScan(ContactsDbContext db, DuplicateScanner scanner, ClaimsPrincipal user, CancellationToken ct)
    {
        var scan = new DuplicateScan
        {
            Id = Guid.CreateVersion7(),
            Status = ScanStatus.Queued,
            CreatedBy = user.FindFirst(ClaimNames.Subject)?.Value ?? "",
            Team = user.FindFirst(ClaimNames.Team)?.Value,
            RestrictedToTeam = ContactAccess.IsRestrictedToTeam(user),
            CreatedAt = DateTimeOffset.UtcNow,
        };
        db.DuplicateScans.Add(scan);
        await db.SaveChangesAsync(ct);
        scanner.Enqueue(scan.Id);
        return TypedResults.Accepted($"/api/contacts/duplicate-scans/{scan.Id}", DuplicateScanResponse.Of(scan));
    }

    public static async Task<Results<Ok<DuplicateScanResponse>, NotFound>> GetDuplicateScan(Guid id, ContactsDbContext db, ClaimsPrincipal user, CancellationToken ct)
    {
        var scan = await Visible(db, user).FirstOrDefaultAsync(s => s.Id == id, ct);
        return scan is null ? TypedResults.NotFound() : TypedResults.Ok(DuplicateScanResponse.Of(scan));
    }

    /// <summary>Groups after <c>after</c> (an ordinal from the previous page), a hundred at a time.</summary>
    public static async Task<Results<Ok<DuplicateGroupPage>, NotFound>> ListDuplicateGroups(
        Guid id, ContactsDbContext db, ClaimsPrincipal user, CancellationToken ct, int after = 0)
    {
        if (!await Visible(db, user).AnyAsync(s => s.Id == id, ct))
        {
            return TypedResults.NotFound();
        }
        var groups = await db.DuplicateGroups.AsNoTracking().Where(g => g.ScanId == id && g.Ordinal > after)
            .OrderBy(g => g.Ordinal).Take(GroupsPerPage + 1).ToListAsync(ct);
        var page = groups.Take(GroupsPerPage).Select(g => new DuplicateGroupResponse(g.Ordinal, g.ContactIds, g.Reasons, g.Score)).ToList();
        return TypedResults.Ok(new DuplicateGroupPage(page, groups.Count > GroupsPerPage ? page[^1].Ordinal : null));
    }

    private static IQueryable<DuplicateScan> Visible(ContactsDbContext db, ClaimsPrincipal user)
    {
        var scans = db.DuplicateScans.AsNoTracking();
        if (!ContactAccess.IsRestrictedToTeam(user))
        {
            return scans;
        }
        var subject = user.FindFirst(ClaimNames.Subject)?.Value ?? "";
        return scans.Where(s => s.CreatedBy == subject);
    }
}

public sealed record DuplicateScanResponse(
    Guid Id, string Status, string Stage, int Percent, int Groups, int Contacts, DateTimeOffset CreatedAt, DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt, string? FailureReason, string GroupsUrl)
{
    public static DuplicateScanResponse Of(DuplicateScan s) => new(
        s.Id, s.Status.ToString().ToLowerInvariant(), s.Stage, s.Percent, s.Groups, s.Contacts, s.CreatedAt, s.StartedAt, s.FinishedAt,
        s.FailureReason, $"/api/contacts/duplicate-scans/{s.Id}/groups");
}

public sealed record DuplicateGroupResponse(int Ordinal, IReadOnlyList<Guid> ContactIds, IReadOnlyList<string> Reasons, double Score);

public sealed record DuplicateGroupPage(IReadOnlyList<DuplicateGroupResponse> Groups, int? Next);
