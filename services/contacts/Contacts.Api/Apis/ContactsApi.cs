using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using CustomerBase.Contacts.Access;
using CustomerBase.Contacts.Companies;
using CustomerBase.Contacts.Contracts;
using CustomerBase.Contacts.CustomFields;
using CustomerBase.Contacts.Duplicates;
using CustomerBase.Contacts.Export;
using CustomerBase.Contacts.Import;
using CustomerBase.Contacts.Infrastructure;
using CustomerBase.Contacts.Model;
using CustomerBase.Messaging;
using CustomerBase.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace CustomerBase.Contacts.Apis;

/// <summary>The customer card: create, read, JSON merge patch with ETag/If-Match, delete.</summary>
public static class ContactsApi
{
    public static IEndpointRouteBuilder MapContactsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/contacts");
        api.MapPost("/", CreateContact).WithName(nameof(CreateContact)).RequireAuthorization(Permissions.ContactsWrite);
        api.MapGet("/{id:guid}", GetContact).WithName(nameof(GetContact)).RequireAuthorization(Permissions.ContactsRead);
        api.MapPatch("/{id:guid}", UpdateContact).WithName(nameof(UpdateContact)).RequireAuthorization(Permissions.ContactsWrite)
            .Accepts<JsonElement>("application/merge-patch+json", "application/json");
        api.MapDelete("/{id:guid}", DeleteContact).WithName(nameof(DeleteContact)).RequireAuthorization(Permissions.ContactsWrite);
        app.MapContactSearchApi();
        app.MapDuplicatesApi();
        app.MapDuplicateScansApi();
        app.MapMergeApi();
        app.MapImportsApi();
        app.MapExportApi();
        app.MapCustomFieldsApi();
        app.MapCompaniesApi();
        app.MapAccessBlocksApi();
        return app;
    }

    public static async Task<Results<Created<ContactResponse>, ValidationProblem, ProblemHttpResult>> CreateContact(
        ContactCard card, ContactsDbContext db, ContactValidator validator, ClaimsPrincipal user, HttpContext http, CancellationToken ct)
    {
        card = ContactAccess.AssignOwnership(card, user);
        var errors = validator.Validate(card, out var phones);
        if (!errors.IsEmpty)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }
        if (await ExternalIdTakenAsync(db, card.ExternalId, exceptId: null, ct))
        {
            return ExternalIdTaken();
        }
        if (card.CompanyId is { } companyId && !await CompaniesApi.IsVisibleAsync(db, companyId, user, ct))
        {
            return UnknownCompany();
        }

        var now = DateTimeOffset.UtcNow;
        var contact = new Contact { Id = Guid.CreateVersion7(now), CreatedAt = now, UpdatedAt = now, Version = 1 };
        contact.Write(card, phones);
        db.Contacts.Add(contact);
        db.AddToOutbox(new ContactCreated(contact.Id, contact.ToSnapshot(), contact.CreatedAt));
        await db.SaveChangesAsync(ct);

        ContactETag.Set(http, contact);
        return TypedResults.Created($"/api/contacts/{contact.Id}", contact.ToResponse());
    }

    public static async Task<Results<Ok<ContactResponse>, NotFound>> GetContact(
        Guid id, ContactsDbContext db, ContactCache cache, BulkAccessMonitor monitor, ClaimsPrincipal user, HttpContext http, CancellationToken ct)
    {
        var card = await cache.GetAsync(id);
        if (card is null)
        {
            var contact = await db.Contacts.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct);
            if (contact is null)
            {
                return TypedResults.NotFound();
            }
            card = contact.ToResponse();
            await cache.StoreAsync(card);
        }
        if (!ContactAccess.CanSee(user, card.OwnerId, card.Team))
        {
            return TypedResults.NotFound();
        }
        monitor.Read(user, [id]);
        ContactETag.Set(http, card.Version);
        return TypedResults.Ok(card);
    }

    public static async Task<Results<Ok<ContactResponse>, NotFound, ValidationProblem, ProblemHttpResult>> UpdateContact(
        Guid id, JsonElement patch, ContactsDbContext db, ContactValidator validator, ContactCache cache, ClaimsPrincipal user, HttpContext http, CancellationToken ct)
    {
        var contact = await db.Contacts.VisibleTo(user).FirstOrDefaultAsync(c => c.Id == id, ct);
        if (contact is null)
        {
            return TypedResults.NotFound();
        }
        if (!ContactETag.Matches(http, contact))
        {
            return ContactETag.Stale(contact);
        }
        if (patch.ValueKind != JsonValueKind.Object)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = ["A JSON merge patch is an object."] });
        }

        var current = JsonSerializer.SerializeToNode<ContactCard>(contact.ToResponse(), ContactJson.Options);
        var merged = JsonMergePatch.Apply(current, JsonNode.Parse(patch.GetRawText()));
        ContactCard card;
        try
        {
            card = merged.Deserialize<ContactCard>(ContactJson.Options)!;
        }
        catch (JsonException ex)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { [ex.Path?.TrimStart('$', '.') ?? "body"] = ["A value of the wrong type."] });
        }
        if (ContactAccess.IsRestrictedToTeam(user))
        {
            card = card with { OwnerId = contact.OwnerId, Team = contact.Team };
        }

        var errors = validator.Validate(card, out var phones);
        if (!errors.IsEmpty)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }
        if (await ExternalIdTakenAsync(db, card.ExternalId, exceptId: id, ct))
        {
            return ExternalIdTaken();
        }
        if (card.CompanyId is { } companyId && companyId != contact.CompanyId && !await CompaniesApi.IsVisibleAsync(db, companyId, user, ct))
        {
            return UnknownCompany();
        }

        var changed = contact.Apply(card, phones);
        if (changed.Count > 0)
        {
            contact.Version++;
            contact.UpdatedAt = DateTimeOffset.UtcNow;
            db.AddToOutbox(new ContactUpdated(contact.Id, changed, contact.ToSnapshot(), contact.UpdatedAt));
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateConcurrencyException)
            {
                // Someone else saved between our read and our write: their version wins, the client re-reads.
                return TypedResults.Problem(statusCode: StatusCodes.Status412PreconditionFailed, title: "The contact was changed by someone else; read it again.");
            }
            await cache.StoreAsync(contact.ToResponse());
        }
        ContactETag.Set(http, contact);
        return TypedResults.Ok(contact.ToResponse());
    }

    public static async Task<Results<NoContent, NotFound, ProblemHttpResult>> DeleteContact(
        Guid id, ContactsDbContext db, ContactCache cache, ClaimsPrincipal user, HttpContext http, CancellationToken ct)
    {
        var contact = await db.Contacts.VisibleTo(user).FirstOrDefaultAsync(c => c.Id == id, ct);
        if (contact is null)
        {
            return TypedResults.NotFound();
        }
        if (!ContactETag.Matches(http, contact))
        {
            return ContactETag.Stale(contact);
        }
        db.Contacts.Remove(contact);
        db.AddToOutbox(new ContactDeleted(contact.Id, DateTimeOffset.UtcNow));
        await db.SaveChangesAsync(ct);
        await cache.ForgetDeletedAsync(contact.Id);
        return TypedResults.NoContent();
    }

    private static async Task<bool> ExternalIdTakenAsync(ContactsDbContext db, string? externalId, Guid? exceptId, CancellationToken ct) =>
        externalId is not null && await db.Contacts.AnyAsync(c => c.ExternalId == externalId.Trim() && c.Id != exceptId, ct);

    private static ProblemHttpResult UnknownCompany() => TypedResults.Problem(
        statusCode: StatusCodes.Status400BadRequest,
        title: "One or more validation errors occurred.",
        extensions: new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { ["companyId"] = ["No such company."] } });

    private static ProblemHttpResult ExternalIdTaken() => TypedResults.Problem(
        statusCode: StatusCodes.Status409Conflict,
        title: "Another contact has this external id.",
        extensions: new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { ["externalId"] = ["Already used by another contact."] } });
}

/// <summary>The ETag of a contact is its version; If-Match on a write must name the current one.</summary>
public static class ContactETag
{
    public static string Of(Contact contact) => Of(contact.Version);

    public static string Of(int version) => $"\"{version}\"";

    public static void Set(HttpContext http, Contact contact) => Set(http, contact.Version);

    public static void Set(HttpContext http, int version) => http.Response.Headers.ETag = Of(version);

    /// <summary>True when the request has no If-Match, or one listing the current version (or <c>*</c>).</summary>
    public static bool Matches(HttpContext http, Contact contact) => Matches(http, contact.Version);

    public static bool Matches(HttpContext http, int version)
    {
        var ifMatch = http.Request.Headers.IfMatch;
        if (ifMatch.Count == 0)
        {
            return true;
        }
        var current = Of(version);
        return ifMatch.SelectMany(v => (v ?? "").Split(',')).Select(v => v.Trim()).Any(v => v == "*" || v == current || v == "W/" + current);
    }

    public static ProblemHttpResult Stale(Contact contact) => TypedResults.Problem(
        statusCode: StatusCodes.Status412PreconditionFailed,
        title: "The contact has changed since you read it.",
        detail: $"If-Match does not name the current version {Of(contact)}; read the contact again and reapply your change.");
}
