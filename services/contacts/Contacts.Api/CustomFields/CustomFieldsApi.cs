using CustomerBase.Contacts.Infrastructure;
using CustomerBase.ServiceDefaults;
using CustomerBase.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace CustomerBase.Contacts.CustomFields;

/// <summary>
/// The definitions of custom fields: listed to anyone who reads contacts, changed by those who configure the base.
/// A definition that contacts use cannot be deleted or change its type (their values would stop fitting).
/// </summary>
public static class CustomFieldsApi
{
    public static IEndpointRouteBuilder MapCustomFieldsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/contacts/custom-fields");
        api.MapGet("/", ListCustomFields).WithName(nameof(ListCustomFields)).RequireAuthorization(Permissions.ContactsRead);
        api.MapPut("/{key}", PutCustomField).WithName(nameof(PutCustomField)).RequireAuthorization(Permissions.ContactsConfigure);
        api.MapDelete("/{key}", DeleteCustomField).WithName(nameof(DeleteCustomField)).RequireAuthorization(Permissions.ContactsConfigure);
        return app;
    }

    public static async Task<Ok<List<CustomFieldResponse>>> ListCustomFields(ContactsDbContext db, CancellationToken ct) =>
        TypedResults.Ok((await db.CustomFieldDefinitions.AsNoTracking().OrderBy(d => d.Key).ToListAsync(ct)).Select(CustomFieldResponse.Of).ToList());

    public static async Task<Results<Ok<CustomFieldResponse>, Created<CustomFieldResponse>, ValidationProblem, ProblemHttpResult>> PutCustomField(
        string key, CustomFieldRequest request, ContactsDbContext db, CustomFieldCatalog catalog, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        if (!CustomFieldRules.IsKey(key))
        {
            errors.Add("key", "A letter, then letters, digits or underscores; up to 50 characters.");
        }
        errors.Required("label", request.Label).MaxLength("label", request.Label, 200);
        var type = CustomFieldType.Text;
        if (request.Type is null || !Enum.TryParse(request.Type, ignoreCase: true, out type) || int.TryParse(request.Type, out _))
        {
            errors.Add("type", "One of: text, number, date, boolean, choice.");
        }
        var choices = request.Choices?.Where(c => !string.IsNullOrWhiteSpace(c)).Select(c => c.Trim()).Distinct().ToList() ?? [];
        if (type == CustomFieldType.Choice && choices.Count is 0 or > CustomFieldRules.MaxChoices)
        {
            errors.Add("choices", $"A choice field needs 1 to {CustomFieldRules.MaxChoices} choices.");
        }
        if (!errors.IsEmpty)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var now = DateTimeOffset.UtcNow;
        var definition = await db.CustomFieldDefinitions.FirstOrDefaultAsync(d => d.Key == key, ct);
        var created = definition is null;
        if (definition is null)
        {
            if (await db.CustomFieldDefinitions.CountAsync(ct) >= CustomFieldRules.MaxDefinitions)
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: $"The base has the most custom fields allowed ({CustomFieldRules.MaxDefinitions}).");
            }
            definition = new CustomFieldDefinition { Key = key, CreatedAt = now };
            db.CustomFieldDefinitions.Add(definition);
        }
        else if (definition.Type != type && await InUseAsync(db, key, ct))
        {
            return InUse(key, "change its type");
        }
        definition.Label = request.Label!.Trim();
        definition.Type = type;
        definition.Choices = type == CustomFieldType.Choice ? choices : [];
        definition.UpdatedAt = now;
        await db.SaveChangesAsync(ct);
        await catalog.ReloadAsync(ct);
        var response = CustomFieldResponse.Of(definition);
        return created ? TypedResults.Created($"/api/contacts/custom-fields/{key}", response) : TypedResults.Ok(response);
    }

    public static async Task<Results<NoContent, NotFound, ProblemHttpResult>> DeleteCustomField(string key, ContactsDbContext db, CustomFieldCatalog catalog, CancellationToken ct)
    {
        var definition = await db.CustomFieldDefinitions.FirstOrDefaultAsync(d => d.Key == key, ct);
        if (definition is null)
        {
            return TypedResults.NotFound();
        }
        if (await InUseAsync(db, key, ct))
        {
            return InUse(key, "delete it");
        }
        db.CustomFieldDefinitions.Remove(definition);
        await db.SaveChangesAsync(ct);
        await catalog.ReloadAsync(ct);
        return TypedResults.NoContent();
    }

    private static Task<bool> InUseAsync(ContactsDbContext db, string key, CancellationToken ct) =>
        db.Database.SqlQuery<bool>($"SELECT EXISTS (SELECT 1 FROM contacts WHERE custom_fields ? {key}) AS \"Value\"").SingleAsync(ct);

    private static ProblemHttpResult InUse(string key, string what) => TypedResults.Problem(
        statusCode: StatusCodes.Status409Conflict,
        title: "Contacts have values in this field.",
        detail: $"Clear '{key}' on every contact (PATCH with null, or bulk) before you {what}.");
}

public sealed record CustomFieldRequest(string? Label, string? Type, List<string>? Choices);

public sealed record CustomFieldResponse(string Key, string Label, string Type, IReadOnlyList<string> Choices, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static CustomFieldResponse Of(CustomFieldDefinition d) => new(d.Key, d.Label, d.Type.ToString().ToLowerInvariant(), d.Choices, d.CreatedAt, d.UpdatedAt);
}
