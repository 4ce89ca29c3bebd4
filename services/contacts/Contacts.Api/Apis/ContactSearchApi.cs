using System.Security.Claims;
using System.Text;
using CustomerBase.Consent.Contracts;
using CustomerBase.Contacts.Access;
using CustomerBase.Contacts.Contracts;
using CustomerBase.Contacts.Infrastructure;
using CustomerBase.Contacts.Model;
using CustomerBase.Messaging;
using CustomerBase.ServiceDefaults;
using CustomerBase.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CustomerBase.Contacts.Apis;

/// <summary>Lists and searches contacts (filters, sorting, keyset pagination) and changes tags in bulk.</summary>
public static class ContactSearchApi
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 500;
    public const int MaxBulkContacts = 10_000;

    public static IEndpointRouteBuilder MapContactSearchApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/contacts");
        api.MapGet("/", ListContacts).WithName(nameof(ListContacts)).RequireAuthorization(Permissions.ContactsRead);
        api.MapPost("/bulk-tags", ChangeTags).WithName(nameof(ChangeTags)).RequireAuthorization(Permissions.ContactsWrite);
        return app;
    }

    /// <summary>
    /// <c>q</c>: name prefix (any of first, middle, last), or similar names with <c>fuzzy=true</c>; <c>email</c>, <c>phone</c>
    /// (any written form), <c>tag</c>, <c>ownerId</c>, <c>team</c>: exact. <c>sort</c>: <c>created</c> (default) or <c>name</c>.
    /// The answer's <c>next</c> is the cursor for the following page (<c>after</c>).
    /// </summary>
    public static async Task<Results<Ok<ContactPage>, ValidationProblem>> ListContacts(
        ContactsDbContext db, PhoneNormalizer phones, BulkAccessMonitor monitor, IOptions<ContactsOptions> options, ClaimsPrincipal user, CancellationToken ct,
        string? q = null, bool fuzzy = false, string? email = null, string? phone = null, string? tag = null,
        string? ownerId = null, string? team = null, string? sort = null, string? after = null, int? limit = null)
    {
        var errors = new ValidationErrors();
        var filter = ContactFilter.Read(errors, phones, q, fuzzy, email, phone, tag, ownerId, team);
        var order = sort ?? "created";
        if (order is not ("created" or "name"))
        {
            errors.Add("sort", "One of: created, name.");
        }
        if (limit is < 1 or > MaxLimit)
        {
            errors.Add("limit", $"Between 1 and {MaxLimit}.");
        }
        ContactCursor? cursor = null;
        if (after is not null && !ContactCursor.TryParse(after, out cursor))
        {
            errors.Add("after", "Not a cursor from a previous page.");
        }
        if (!errors.IsEmpty)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var take = limit ?? DefaultLimit;
        if (filter is { Name: { } name, Fuzzy: false, Email: null, Phone: null, Tag: null, OwnerId: null, Team: null } && order == "created")
        {
            var rows = await ContactQueries.NamePrefixPageAsync(db, name, user, cursor?.Id, take + 1, ct);
            monitor.Read(user, rows.Take(take).Select(c => c.Id));
            await AuditBulkReadAsync(db, options.Value, user, filter, Math.Min(rows.Count, take), ct);
            return TypedResults.Ok(Page(rows, take, order));
        }
        var query = ContactQueries.Matching(db, filter).VisibleTo(user).AsNoTracking();
        query = order == "name"
            ? ContactQueries.AfterByName(query, cursor).OrderBy(c => c.SearchName).ThenBy(c => c.Id)
            : ContactQueries.AfterById(query, cursor).OrderBy(c => c.Id);
        var found = await query.Take(take + 1).ToListAsync(ct);
        monitor.Read(user, found.Take(take).Select(c => c.Id));
        await AuditBulkReadAsync(db, options.Value, user, filter, Math.Min(found.Count, take), ct);
        return TypedResults.Ok(Page(found, take, order));
    }

    /// <summary>A page of many rows goes into consent's audit trail: who, when, which filter, how many rows.</summary>
    private static async Task AuditBulkReadAsync(ContactsDbContext db, ContactsOptions options, ClaimsPrincipal user, ContactFilter filter, int rows, CancellationToken ct)
    {
        if (rows < options.BulkAccess.AuditedPageRows)
        {
            return;
        }
        db.AddToOutbox(new PersonalDataAccessed(ResourceNames.Contacts, user.FindFirst(ClaimNames.Subject)?.Value ?? "", DateTimeOffset.UtcNow,
            "contacts.list", filter.Describe(), rows, null));
        await db.SaveChangesAsync(ct);
    }

    /// <summary>A page from up to <paramref name="take"/> + 1 rows: the extra row only tells that there is a next page.</summary>
    private static ContactPage Page(List<Contact> rows, int take, string order) => new(
        rows.Take(take).Select(c => c.ToResponse()).ToList(),
        rows.Count > take ? ContactCursor.For(rows[take - 1], order).ToString() : null);

    public static async Task<Results<Ok<BulkTagsResult>, ValidationProblem>> ChangeTags(
        BulkTagsRequest request, ContactsDbContext db, ContactCache cache, ClaimsPrincipal user, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        if (request.ContactIds is not { Count: > 0 and <= MaxBulkContacts })
        {
            errors.Add("contactIds", $"1 to {MaxBulkContacts} contact ids.");
        }
        var add = request.Add ?? [];
        var remove = request.Remove ?? [];
        if (add.Count == 0 && remove.Count == 0)
        {
            errors.Add("add", "Give tags to add, to remove, or both.");
        }
        foreach (var (tag, i) in add.Select((t, i) => (t, i)).Where(t => string.IsNullOrWhiteSpace(t.t) || t.t.Length > ContactRules.TagMaxLength))
        {
            errors.Add($"add[{i}]", $"A tag is 1 to {ContactRules.TagMaxLength} characters.");
        }
        if (!errors.IsEmpty)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var ids = request.ContactIds!.Distinct().ToList();
        var contacts = await db.Contacts.VisibleTo(user).Where(c => ids.Contains(c.Id)).ToListAsync(ct);
        var now = DateTimeOffset.UtcNow;
        var updated = 0;
        foreach (var contact in contacts)
        {
            var tags = contact.Tags.Except(remove, StringComparer.OrdinalIgnoreCase).Union(add.Select(t => t.Trim()), StringComparer.OrdinalIgnoreCase).ToList();
            if (tags.Count == contact.Tags.Count && !tags.Except(contact.Tags, StringComparer.OrdinalIgnoreCase).Any())
            {
                continue;
            }
            contact.Tags = tags;
            contact.Version++;
            contact.UpdatedAt = now;
            db.AddToOutbox(new ContactUpdated(contact.Id, ["tags"], contact.ToSnapshot(), now));
            updated++;
        }
        await db.SaveChangesAsync(ct);
        await Task.WhenAll(contacts.Select(c => cache.StoreAsync(c.ToResponse())));
        return TypedResults.Ok(new BulkTagsResult(contacts.Count, updated));
    }
}

public sealed record ContactPage(IReadOnlyList<ContactResponse> Items, string? Next);

public sealed record BulkTagsRequest(List<Guid>? ContactIds, List<string>? Add, List<string>? Remove);

/// <summary><c>matched</c>: the contacts found and visible to the caller; <c>updated</c>: those whose tags changed.</summary>
public sealed record BulkTagsResult(int Matched, int Updated);

public sealed record ContactFilter(string? Name, bool Fuzzy, string? Email, string? Phone, string? Tag, string? OwnerId, string? Team)
{
    /// <summary>The filter from query parameters (lists and exports share them); problems go to <paramref name="errors"/>.</summary>
    public static ContactFilter Read(ValidationErrors errors, PhoneNormalizer phones,
        string? q, bool fuzzy, string? email, string? phone, string? tag, string? ownerId, string? team)
    {
        var filter = new ContactFilter(q?.Trim().ToLowerInvariant(), fuzzy, email?.Trim().ToLowerInvariant(), null, tag, ownerId, team);
        if (phone is not null)
        {
            if (phones.TryNormalize(phone, out var e164)) filter = filter with { Phone = e164 };
            else errors.Add("phone", "Not a valid phone number.");
        }
        if (q is not null && q.Trim().Length is 0 or > ContactRules.NameMaxLength)
        {
            errors.Add("q", $"1 to {ContactRules.NameMaxLength} characters.");
        }
        return filter;
    }

    /// <summary>The filter as the audit trail records it: which parameters were set (values of e-mail and phone withheld).</summary>
    public string Describe() => string.Join("&", new[]
    {
        Name is null ? null : "q=(given)" + (Fuzzy ? "&fuzzy=true" : ""),
        Email is null ? null : "email=(given)",
        Phone is null ? null : "phone=(given)",
        Tag is null ? null : $"tag={Tag}",
        OwnerId is null ? null : $"ownerId={OwnerId}",
        Team is null ? null : $"team={Team}",
    }.Where(p => p is not null));
}

/// <summary>The position after the last row of a page: the sort key and the id, opaque to clients.</summary>
public sealed record ContactCursor(string? Name, Guid Id)
{
    public static ContactCursor For(Contact last, string order) => new(order == "name" ? last.SearchName : null, last.Id);

    public override string ToString() => Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Id}|{Name}"));

    public static bool TryParse(string text, out ContactCursor? cursor)
    {
        cursor = null;
        try
        {
            var parts = Encoding.UTF8.GetString(Convert.FromBase64String(text)).Split('|', 2);
            if (parts.Length == 2 && Guid.TryParse(parts[0], out var id))
            {
                cursor = new ContactCursor(parts[1].Length == 0 ? null : parts[1], id);
            }
        }
        catch (FormatException)
        {
        }
        return cursor is not null;
    }
}
