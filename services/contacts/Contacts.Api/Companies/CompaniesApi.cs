using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using CustomerBase.Contacts.Apis;
using CustomerBase.Contacts.Infrastructure;
using CustomerBase.Contacts.Model;
using CustomerBase.ServiceDefaults;
using CustomerBase.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace CustomerBase.Contacts.Companies;

/// <summary>
/// Companies and their staff: create, read, merge-patch (with If-Match), delete, list by name or tax id, and the staff
/// list. Visibility follows the same rule as contacts: a sales manager sees their own and their team's.
/// </summary>
public static class CompaniesApi
{
    public static IEndpointRouteBuilder MapCompaniesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/contacts/companies");
        api.MapPost("/", CreateCompany).WithName(nameof(CreateCompany)).RequireAuthorization(Permissions.ContactsWrite);
        api.MapGet("/", ListCompanies).WithName(nameof(ListCompanies)).RequireAuthorization(Permissions.ContactsRead);
        api.MapGet("/{id:guid}", GetCompany).WithName(nameof(GetCompany)).RequireAuthorization(Permissions.ContactsRead);
        api.MapPatch("/{id:guid}", UpdateCompany).WithName(nameof(UpdateCompany)).RequireAuthorization(Permissions.ContactsWrite)
            .Accepts<JsonElement>("application/merge-patch+json", "application/json");
        api.MapDelete("/{id:guid}", DeleteCompany).WithName(nameof(DeleteCompany)).RequireAuthorization(Permissions.ContactsWrite);
        api.MapGet("/{id:guid}/staff", ListStaff).WithName(nameof(ListStaff)).RequireAuthorization(Permissions.ContactsRead);
        return app;
    }

    public static async Task<Results<Created<CompanyResponse>, ValidationProblem, ProblemHttpResult>> CreateCompany(
        CompanyCard card, ContactsDbContext db, ContactValidator validator, ClaimsPrincipal user, HttpContext http, CancellationToken ct)
    {
        if (ContactAccess.IsRestrictedToTeam(user))
        {
            card = card with { OwnerId = user.FindFirst(ClaimNames.Subject)?.Value, Team = user.FindFirst(ClaimNames.Team)?.Value };
        }
        var errors = Validate(card, validator, out var normalized);
        if (!errors.IsEmpty)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }
        if (await TaxIdTakenAsync(db, card.TaxId, null, ct) is { } other)
        {
            return TaxIdTaken(other);
        }
        var now = DateTimeOffset.UtcNow;
        var company = new Company { Id = Guid.CreateVersion7(now), CreatedAt = now, UpdatedAt = now, Version = 1 };
        Apply(company, card, normalized);
        db.Companies.Add(company);
        await db.SaveChangesAsync(ct);
        http.Response.Headers.ETag = ContactETag.Of(company.Version);
        return TypedResults.Created($"/api/contacts/companies/{company.Id}", CompanyResponse.Of(company));
    }

    public static async Task<Results<Ok<CompanyResponse>, NotFound>> GetCompany(Guid id, ContactsDbContext db, ClaimsPrincipal user, HttpContext http, CancellationToken ct)
    {
        var company = await Visible(db, user).AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct);
        if (company is null)
        {
            return TypedResults.NotFound();
        }
        http.Response.Headers.ETag = ContactETag.Of(company.Version);
        return TypedResults.Ok(CompanyResponse.Of(company));
    }

    /// <summary><c>q</c>: name prefix (any letter case); <c>taxId</c>: in any written form. Keyset pages by id (<c>after</c>).</summary>
    public static async Task<Results<Ok<CompanyPage>, ValidationProblem>> ListCompanies(
        ContactsDbContext db, ClaimsPrincipal user, CancellationToken ct, string? q = null, string? taxId = null, Guid? after = null, int? limit = null)
    {
        if (limit is < 1 or > ContactSearchApi.MaxLimit)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["limit"] = [$"Between 1 and {ContactSearchApi.MaxLimit}."] });
        }
        var query = Visible(db, user).AsNoTracking();
        if (!string.IsNullOrWhiteSpace(q))
        {
            var prefix = q.Trim().ToLowerInvariant();
            query = query.Where(c => c.Name.ToLower().StartsWith(prefix));
        }
        if (Company.KeyOf(taxId) is { } key)
        {
            query = query.Where(c => c.TaxIdKey == key);
        }
        if (after is { } cursor)
        {
            query = query.Where(c => c.Id.CompareTo(cursor) > 0);
        }
        var take = limit ?? ContactSearchApi.DefaultLimit;
        var page = await query.OrderBy(c => c.Id).Take(take + 1).ToListAsync(ct);
        return TypedResults.Ok(new CompanyPage(page.Take(take).Select(CompanyResponse.Of).ToList(), page.Count > take ? page[take - 1].Id : null));
    }

    public static async Task<Results<Ok<CompanyResponse>, NotFound, ValidationProblem, ProblemHttpResult>> UpdateCompany(
        Guid id, JsonElement patch, ContactsDbContext db, ContactValidator validator, ClaimsPrincipal user, HttpContext http, CancellationToken ct)
    {
        var company = await Visible(db, user).FirstOrDefaultAsync(c => c.Id == id, ct);
        if (company is null)
        {
            return TypedResults.NotFound();
        }
        if (!ContactETag.Matches(http, company.Version))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status412PreconditionFailed, title: "The company has changed since you read it.");
        }
        if (patch.ValueKind != JsonValueKind.Object)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = ["A JSON merge patch is an object."] });
        }
        var current = JsonSerializer.SerializeToNode<CompanyCard>(CompanyResponse.Of(company), ContactJson.Options);
        CompanyCard card;
        try
        {
            card = JsonMergePatch.Apply(current, JsonNode.Parse(patch.GetRawText())).Deserialize<CompanyCard>(ContactJson.Options)!;
        }
        catch (JsonException ex)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { [ex.Path?.TrimStart('$', '.') ?? "body"] = ["A value of the wrong type."] });
        }
        if (ContactAccess.IsRestrictedToTeam(user))
        {
            card = card with { OwnerId = company.OwnerId, Team = company.Team };
        }
        var errors = Validate(card, validator, out var normalized);
        if (!errors.IsEmpty)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }
        if (await TaxIdTakenAsync(db, card.TaxId, id, ct) is { } other)
        {
            return TaxIdTaken(other);
        }
        Apply(company, card, normalized);
        company.Version++;
        company.UpdatedAt = DateTimeOffset.UtcNow;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status412PreconditionFailed, title: "The company was changed by someone else; read it again.");
        }
        http.Response.Headers.ETag = ContactETag.Of(company.Version);
        return TypedResults.Ok(CompanyResponse.Of(company));
    }

    /// <summary>A company with staff is not deleted: the people would silently lose their employer. Unlink them first.</summary>
    public static async Task<Results<NoContent, NotFound, ProblemHttpResult>> DeleteCompany(Guid id, ContactsDbContext db, ClaimsPrincipal user, CancellationToken ct)
    {
        var company = await Visible(db, user).FirstOrDefaultAsync(c => c.Id == id, ct);
        if (company is null)
        {
            return TypedResults.NotFound();
        }
        var staff = await db.Contacts.CountAsync(c => c.CompanyId == id, ct);
        if (staff > 0)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The company has staff.",
                detail: $"{staff} contact(s) work for this company; set their companyId to null or to another company first.");
        }
        db.Companies.Remove(company);
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }

    /// <summary>The people on the company's staff whom the caller may see, by id.</summary>
    public static async Task<Results<Ok<ContactPage>, NotFound>> ListStaff(Guid id, ContactsDbContext db, ClaimsPrincipal user, CancellationToken ct, Guid? after = null)
    {
        if (!await Visible(db, user).AnyAsync(c => c.Id == id, ct))
        {
            return TypedResults.NotFound();
        }
        var query = db.Contacts.AsNoTracking().VisibleTo(user).Where(c => c.CompanyId == id);
        if (after is { } cursor)
        {
            query = query.Where(c => c.Id.CompareTo(cursor) > 0);
        }
        var page = await query.OrderBy(c => c.Id).Take(ContactSearchApi.MaxLimit + 1).ToListAsync(ct);
        var next = page.Count > ContactSearchApi.MaxLimit ? new ContactCursor(null, page[ContactSearchApi.MaxLimit - 1].Id).ToString() : null;
        return TypedResults.Ok(new ContactPage(page.Take(ContactSearchApi.MaxLimit).Select(c => c.ToResponse()).ToList(), next));
    }

    /// <summary>Whether a contact may name this company as its employer: it exists and the caller can see it.</summary>
    public static Task<bool> IsVisibleAsync(ContactsDbContext db, Guid companyId, ClaimsPrincipal user, CancellationToken ct) =>
        Visible(db, user).AnyAsync(c => c.Id == companyId, ct);

    private static IQueryable<Company> Visible(ContactsDbContext db, ClaimsPrincipal user)
    {
        if (!ContactAccess.IsRestrictedToTeam(user))
        {
            return db.Companies;
        }
        var subject = user.FindFirst(ClaimNames.Subject)?.Value ?? "";
        var team = user.FindFirst(ClaimNames.Team)?.Value;
        return team is null ? db.Companies.Where(c => c.OwnerId == subject) : db.Companies.Where(c => c.OwnerId == subject || c.Team == team);
    }

    private static ValidationErrors Validate(CompanyCard card, ContactValidator validator, out List<string> normalized)
    {
        var errors = new ValidationErrors()
            .Required("name", card.Name)
            .MaxLength("name", card.Name, ContactRules.NameMaxLength)
            .MaxLength("taxId", card.TaxId, 50)
            .MaxLength("industry", card.Industry, ContactRules.ShortTextMaxLength)
            .MaxLength("website", card.Website, ContactRules.ShortTextMaxLength)
            .MaxLength("ownerId", card.OwnerId, ContactRules.ShortTextMaxLength)
            .MaxLength("team", card.Team, ContactRules.ShortTextMaxLength);
        errors.OneOf("size", card.Size, CompanyRules.Sizes);
        if (card.TaxId is not null && Company.KeyOf(card.TaxId) is null)
        {
            errors.Add("taxId", "A tax id has letters or digits.");
        }
        // The card's e-mail, phone and address rules are the contact card's.
        var asContact = new ContactCard { Emails = card.Emails, Phones = card.Phones, Addresses = card.Address is null ? null : [card.Address], Tags = card.Tags };
        var channelErrors = new ValidationErrors();
        validator.ValidateChannels(channelErrors, asContact, out normalized);
        foreach (var (field, reasons) in channelErrors.ToDictionary())
        {
            foreach (var reason in reasons) errors.Add(field.StartsWith("addresses[0]", StringComparison.Ordinal) ? "address" + field["addresses[0]".Length..] : field, reason);
        }
        return errors;
    }

    private static void Apply(Company company, CompanyCard card, List<string> phones)
    {
        company.Name = card.Name!.Trim();
        company.TaxId = card.TaxId?.Trim();
        company.TaxIdKey = Company.KeyOf(card.TaxId);
        company.Industry = card.Industry?.Trim();
        company.Size = card.Size;
        company.Website = card.Website?.Trim();
        company.Emails = card.Emails?.Select(e => e.Trim()).Distinct(StringComparer.OrdinalIgnoreCase).ToList() ?? [];
        company.Phones = phones.Distinct().ToList();
        company.Tags = card.Tags?.Select(t => t.Trim()).Distinct(StringComparer.OrdinalIgnoreCase).ToList() ?? [];
        company.Address = card.Address is { } a
            ? new PostalAddress { Kind = a.Kind ?? "postal", Line1 = a.Line1, Line2 = a.Line2, City = a.City, Region = a.Region, PostalCode = a.PostalCode, Country = a.Country?.ToUpperInvariant() }
            : null;
        company.OwnerId = card.OwnerId;
        company.Team = card.Team;
    }

    private static async Task<Guid?> TaxIdTakenAsync(ContactsDbContext db, string? taxId, Guid? exceptId, CancellationToken ct)
    {
        var key = Company.KeyOf(taxId);
        return key is null ? null : await db.Companies.Where(c => c.TaxIdKey == key && c.Id != exceptId).Select(c => (Guid?)c.Id).FirstOrDefaultAsync(ct);
    }

    private static ProblemHttpResult TaxIdTaken(Guid other) => TypedResults.Problem(
        statusCode: StatusCodes.Status409Conflict,
        title: "Another company has this tax id.",
        extensions: new Dictionary<string, object?>
        {
            ["errors"] = new Dictionary<string, string[]> { ["taxId"] = ["Already used by another company."] },
            ["duplicateOf"] = other,
        });
}

public record CompanyCard
{
    public string? Name { get; init; }
    public string? TaxId { get; init; }
    public string? Industry { get; init; }
    public string? Size { get; init; }
    public AddressDto? Address { get; init; }
    public List<string>? Emails { get; init; }
    public List<string>? Phones { get; init; }
    public string? Website { get; init; }
    public List<string>? Tags { get; init; }
    public string? OwnerId { get; init; }
    public string? Team { get; init; }
}

public sealed record CompanyResponse : CompanyCard
{
    public Guid Id { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
    public int Version { get; init; }

    public static CompanyResponse Of(Company c) => new()
    {
        Id = c.Id, Name = c.Name, TaxId = c.TaxId, Industry = c.Industry, Size = c.Size,
        Address = c.Address is { } a ? new AddressDto(a.Kind, a.Line1, a.Line2, a.City, a.Region, a.PostalCode, a.Country) : null,
        Emails = c.Emails, Phones = c.Phones, Website = c.Website, Tags = c.Tags, OwnerId = c.OwnerId, Team = c.Team,
        CreatedAt = c.CreatedAt, UpdatedAt = c.UpdatedAt, Version = c.Version,
    };
}

public sealed record CompanyPage(IReadOnlyList<CompanyResponse> Items, Guid? Next);
