using CustomerBase.Consent.Infrastructure;
using CustomerBase.Consent.Model;
using CustomerBase.ServiceDefaults;
using CustomerBase.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace CustomerBase.Consent.Apis;

/// <summary>The audit trail of personal data, for auditors: filter by actor, contact, action and time; pages by id.</summary>
public static class AuditApi
{
    public const int MaxLimit = 500;

    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("api/consent/audit", GetAuditTrail).WithName(nameof(GetAuditTrail)).RequireAuthorization(Permissions.AuditRead);
        return app;
    }

    /// <param name="what">An action or its prefix: <c>erasure.</c> matches erasure.requested and erasure.completed.</param>
    /// <param name="after">The <c>next</c> of the previous page.</param>
    public static async Task<Results<Ok<AuditPage>, ValidationProblem>> GetAuditTrail(
        ConsentDbContext db, string? actor, Guid? contactId, string? what, string? service, DateTimeOffset? from, DateTimeOffset? to,
        Guid? after, int? limit, CancellationToken ct)
    {
        var errors = new ValidationErrors().MaxLength("actor", actor, 200).MaxLength("what", what, 100).MaxLength("service", service, 40);
        if (limit is < 1 or > MaxLimit)
        {
            errors.Add("limit", $"Between 1 and {MaxLimit}.");
        }
        if (from is not null && to is not null && from > to)
        {
            errors.Add("from", "Must not be after 'to'.");
        }
        if (!errors.IsEmpty)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var query = db.AuditEntries.AsNoTracking();
        if (actor is not null) query = query.Where(e => e.Actor == actor);
        if (contactId is not null) query = query.Where(e => e.ContactId == contactId);
        if (what is not null) query = query.Where(e => e.What.StartsWith(what));
        if (service is not null) query = query.Where(e => e.Service == service);
        if (from is not null) query = query.Where(e => e.At >= from);
        if (to is not null) query = query.Where(e => e.At < to);
        if (after is not null)
        {
            // Keyset on (at, id): the cursor's own moment, then ids after it.
            var afterAt = await db.AuditEntries.Where(e => e.Id == after).Select(e => e.At).FirstOrDefaultAsync(ct);
            query = query.Where(e => EF.Functions.GreaterThan(ValueTuple.Create(e.At, e.Id), ValueTuple.Create(afterAt, after.Value)));
        }

        var take = limit ?? 100;
        var entries = await query.OrderBy(e => e.At).ThenBy(e => e.Id).Take(take + 1).ToListAsync(ct);
        var next = entries.Count > take ? entries[take - 1].Id : (Guid?)null;
        return TypedResults.Ok(new AuditPage(entries.Take(take).ToList(), next));
    }
}

public sealed record AuditPage(IReadOnlyList<AuditEntry> Items, Guid? Next);
