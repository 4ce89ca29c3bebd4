using System.Security.Claims;
using CustomerBase.Contacts.Infrastructure;
using CustomerBase.Contacts.Model;
using CustomerBase.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

using CustomerBase.Contacts.Apis;

namespace CustomerBase.Contacts.Duplicates;

/// <summary>Likely duplicates of a contact, each with a score and the reasons, for a person to review and merge.</summary>
public static class DuplicatesApi
{
    public const int MaxCandidates = 50;

    public static IEndpointRouteBuilder MapDuplicatesApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("api/contacts/{id:guid}/duplicates", FindDuplicates).WithName(nameof(FindDuplicates)).RequireAuthorization(Permissions.ContactsRead);
        return app;
    }

    public static async Task<Results<Ok<List<DuplicateCandidate>>, NotFound>> FindDuplicates(Guid id, ContactsDbContext db, ClaimsPrincipal user, CancellationToken ct)
    {
        var contact = await db.Contacts.AsNoTracking().VisibleTo(user).FirstOrDefaultAsync(c => c.Id == id, ct);
        if (contact is null)
        {
            return TypedResults.NotFound();
        }

        // Each match key is served by an index: array overlap (&&) on the GIN indexes, name equality on the btree.
        var candidates = await db.Contacts
            .FromSql($"""
                SELECT * FROM contacts
                WHERE id <> {contact.Id}
                  AND (email_keys && {contact.EmailKeys.ToArray()}
                       OR phones && {contact.Phones.ToArray()}
                       OR (search_name = {contact.SearchName} AND {contact.SearchName} <> ''))
                LIMIT {MaxCandidates * 4}
                """)
            .AsNoTracking()
            .VisibleTo(user)
            .ToListAsync(ct);

        var scored = candidates
            .Select(candidate => DuplicateScore.Between(contact, candidate))
            .Where(d => d.Score > 0)
            .OrderByDescending(d => d.Score).ThenBy(d => d.ContactId)
            .Take(MaxCandidates)
            .ToList();
        return TypedResults.Ok(scored);
    }
}

public sealed record DuplicateCandidate(Guid ContactId, double Score, IReadOnlyList<string> Reasons, ContactResponse Contact);
