using System.Net.Mail;
using CustomerBase.Contacts.Contracts;
using CustomerBase.Contacts.Infrastructure;
using CustomerBase.Contacts.Model;
using CustomerBase.Messaging;
using CustomerBase.ServiceDefaults;
using CustomerBase.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace CustomerBase.Contacts.Apis;

public static class ContactsApi
{
    public static IEndpointRouteBuilder MapContactsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/contacts");
        api.MapPost("/", CreateContact).WithName(nameof(CreateContact)).RequireAuthorization(Permissions.ContactsWrite);
        api.MapGet("/{id:guid}", GetContact).WithName(nameof(GetContact)).RequireAuthorization(Permissions.ContactsRead);
        return app;
    }

    public static async Task<Results<Created<ContactResponse>, ValidationProblem>> CreateContact(
        CreateContactRequest request, ContactsDbContext db, PhoneNormalizer phones, CancellationToken ct)
    {
        var errors = Validate(request, phones, out var normalizedPhones);
        if (!errors.IsEmpty)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var now = DateTimeOffset.UtcNow;
        var contact = new Contact
        {
            Id = Guid.CreateVersion7(now),
            FirstName = request.FirstName!.Trim(),
            LastName = request.LastName?.Trim(),
            Emails = request.Emails?.Select(e => e.Trim()).ToList() ?? [],
            Phones = normalizedPhones,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Contacts.Add(contact);
        db.AddToOutbox(new ContactCreated(contact.Id, contact.FirstName, contact.LastName, contact.CreatedAt));
        await db.SaveChangesAsync(ct);

        return TypedResults.Created($"/api/contacts/{contact.Id}", ContactResponse.From(contact));
    }

    public static async Task<Results<Ok<ContactResponse>, NotFound>> GetContact(Guid id, ContactsDbContext db, CancellationToken ct)
    {
        var contact = await db.Contacts.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct);
        return contact is null ? TypedResults.NotFound() : TypedResults.Ok(ContactResponse.From(contact));
    }

    private static ValidationErrors Validate(CreateContactRequest request, PhoneNormalizer phones, out List<string> normalizedPhones)
    {
        var errors = new ValidationErrors()
            .Required("firstName", request.FirstName)
            .MaxLength("firstName", request.FirstName, ContactRules.NameMaxLength)
            .MaxLength("lastName", request.LastName, ContactRules.NameMaxLength);

        var emails = request.Emails ?? [];
        if (emails.Count > ContactRules.MaxChannelsPerKind)
        {
            errors.Add("emails", $"At most {ContactRules.MaxChannelsPerKind} e-mail addresses.");
        }
        for (var i = 0; i < emails.Count; i++)
        {
            if (!IsEmail(emails[i]))
            {
                errors.Add($"emails[{i}]", "Not a valid e-mail address.");
            }
        }

        normalizedPhones = [];
        var written = request.Phones ?? [];
        if (written.Count > ContactRules.MaxChannelsPerKind)
        {
            errors.Add("phones", $"At most {ContactRules.MaxChannelsPerKind} phone numbers.");
        }
        for (var i = 0; i < written.Count; i++)
        {
            if (phones.TryNormalize(written[i] ?? "", out var e164))
            {
                normalizedPhones.Add(e164);
            }
            else
            {
                errors.Add($"phones[{i}]", "Not a valid phone number.");
            }
        }
        return errors;
    }

    private static bool IsEmail(string? value) =>
        !string.IsNullOrWhiteSpace(value)
        && value.Length <= ContactRules.EmailMaxLength
        && MailAddress.TryCreate(value.Trim(), out var address)
        && address.Address == value.Trim();
}

public sealed record CreateContactRequest(string? FirstName, string? LastName, List<string>? Emails, List<string>? Phones);

public sealed record ContactResponse(Guid Id, string? FirstName, string? LastName, IReadOnlyList<string> Emails, IReadOnlyList<string> Phones, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static ContactResponse From(Contact c) => new(c.Id, c.FirstName, c.LastName, c.Emails, c.Phones, c.CreatedAt, c.UpdatedAt);
}
