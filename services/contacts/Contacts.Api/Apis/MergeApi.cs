using System.Security.Claims;
using System.Text.Json;
using CustomerBase.Contacts.Contracts;
using CustomerBase.Contacts.Infrastructure;
using CustomerBase.Contacts.Model;
using CustomerBase.Messaging;
using CustomerBase.ServiceDefaults;
using CustomerBase.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace CustomerBase.Contacts.Apis;

/// <summary>Merges duplicates into one survivor, field by field as the user chose, in one transaction with its audit record.</summary>
public static class MergeApi
{
    public const int MaxMerged = 20;

    public static IEndpointRouteBuilder MapMergeApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("api/contacts/{id:guid}/merge", MergeContacts).WithName(nameof(MergeContacts)).RequireAuthorization(Permissions.ContactsWrite);
        return app;
    }

    /// <summary>
    /// <c>{ "mergedIds": [...], "fields": { "lastName": "&lt;id of the contact whose value wins&gt;" } }</c>: the merged
    /// contacts are deleted, their channels and tags join the survivor, and <c>ContactMerged</c> tells the other services.
    /// </summary>
    public static async Task<Results<Ok<ContactResponse>, NotFound, ValidationProblem, ProblemHttpResult>> MergeContacts(
        Guid id, MergeRequest request, ContactsDbContext db, ContactValidator validator, ContactCache cache, ClaimsPrincipal user,
        HttpContext http, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var mergedIds = request.MergedIds?.Distinct().ToList() ?? [];
        if (mergedIds.Count is 0 or > MaxMerged)
        {
            errors.Add("mergedIds", $"1 to {MaxMerged} contact ids.");
        }
        if (mergedIds.Contains(id))
        {
            errors.Add("mergedIds", "The survivor cannot be merged into itself.");
        }
        var choices = request.Fields ?? [];
        foreach (var (field, source) in choices)
        {
            if (!ContactMerger.ChoosableFields.Contains(field))
                errors.Add($"fields.{field}", $"Not a field to choose; one of: {string.Join(", ", ContactMerger.ChoosableFields)}. Lists are united.");
            else if (source != id && !mergedIds.Contains(source))
                errors.Add($"fields.{field}", "Must name the survivor or one of the merged contacts.");
        }
        if (!errors.IsEmpty)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var contacts = await db.Contacts.VisibleTo(user).Where(c => c.Id == id || mergedIds.Contains(c.Id)).ToListAsync(ct);
        var survivor = contacts.FirstOrDefault(c => c.Id == id);
        if (survivor is null)
        {
            return TypedResults.NotFound();
        }
        var merged = contacts.Where(c => c.Id != id).ToDictionary(c => c.Id);
        foreach (var missing in mergedIds.Where(m => !merged.ContainsKey(m)))
        {
            errors.Add("mergedIds", $"No such contact: {missing}.");
        }
        if (!errors.IsEmpty)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }
        if (!ContactETag.Matches(http, survivor))
        {
            return ContactETag.Stale(survivor);
        }

        var card = ContactMerger.Merge(survivor, merged, choices);
        errors = validator.Validate(card, out var phones);
        if (!errors.IsEmpty)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var now = DateTimeOffset.UtcNow;
        survivor.Apply(card, phones);
        survivor.Version++;
        survivor.UpdatedAt = now;
        db.Contacts.RemoveRange(merged.Values);
        db.Set<ContactMerge>().Add(new ContactMerge
        {
            Id = Guid.CreateVersion7(now),
            SurvivorId = id,
            MergedIds = mergedIds,
            FieldChoices = JsonSerializer.Serialize(choices, ContactJson.Options),
            MergedBy = user.FindFirst(ClaimNames.Subject)?.Value,
            MergedAt = now,
        });
        db.AddToOutbox(new ContactMerged(id, mergedIds, survivor.ToSnapshot(), now));
        await db.SaveChangesAsync(ct);

        await cache.StoreAsync(survivor.ToResponse());
        await Task.WhenAll(mergedIds.Select(cache.ForgetDeletedAsync));
        ContactETag.Set(http, survivor);
        return TypedResults.Ok(survivor.ToResponse());
    }
}

public sealed record MergeRequest(List<Guid>? MergedIds, Dictionary<string, Guid>? Fields);
