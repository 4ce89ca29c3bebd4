using System.Net.Mail;
using CustomerBase.Contacts.CustomFields;
using CustomerBase.Contacts.Model;
using CustomerBase.ServiceDefaults;

namespace CustomerBase.Contacts.Apis;

/// <summary>Field-level checks of a card; field names are the JSON paths a client sent (<c>phones[1]</c>, <c>callWindow.from</c>).</summary>
public sealed class ContactValidator(PhoneNormalizer phones, CustomFieldCatalog customFields)
{
    public ValidationErrors Validate(ContactCard card, out List<string> normalizedPhones)
    {
        var errors = new ValidationErrors()
            .Required("firstName", card.FirstName)
            .MaxLength("firstName", card.FirstName, ContactRules.NameMaxLength)
            .MaxLength("middleName", card.MiddleName, ContactRules.NameMaxLength)
            .MaxLength("lastName", card.LastName, ContactRules.NameMaxLength)
            .MaxLength("language", card.Language, 35)
            .MaxLength("ownerId", card.OwnerId, ContactRules.ShortTextMaxLength)
            .MaxLength("team", card.Team, ContactRules.ShortTextMaxLength)
            .MaxLength("externalId", card.ExternalId, ContactRules.ShortTextMaxLength);

        errors.OneOf("gender", card.Gender, ContactRules.Genders);
        errors.OneOf("preferredChannel", card.PreferredChannel, ContactRules.Channels);
        if (card.TimeZone is not null && !TimeZoneInfo.TryFindSystemTimeZoneById(card.TimeZone, out _))
        {
            errors.Add("timeZone", "Not a known IANA time zone, e.g. Europe/Warsaw.");
        }
        if (card.BirthDate is { } birth && (birth > DateOnly.FromDateTime(DateTime.UtcNow) || birth.Year < 1900))
        {
            errors.Add("birthDate", "Must be between 1900-01-01 and today.");
        }
        if (card.Demographics?.Children is < 0 or > 50)
        {
            errors.Add("demographics.children", "Must be between 0 and 50.");
        }

        ValidateChannels(errors, card, out normalizedPhones);
        ValidateList(errors, "messengers", card.Messengers, (field, m) =>
        {
            errors.OneOf(field + ".kind", m?.Kind, ContactRules.MessengerKinds, required: true);
            errors.Required(field + ".handle", m?.Handle).MaxLength(field + ".handle", m?.Handle, ContactRules.ShortTextMaxLength);
        });
        ValidateList(errors, "importantDates", card.ImportantDates, (field, d) =>
        {
            errors.Required(field + ".label", d?.Label).MaxLength(field + ".label", d?.Label, ContactRules.ShortTextMaxLength);
            if (d?.Date is null) errors.Add(field + ".date", "This field is required.");
        });
        ValidateList(errors, "interests", card.Interests, (field, i) => errors.MaxLength(field, i, ContactRules.ShortTextMaxLength));

        foreach (var (key, value) in card.CustomFields ?? [])
        {
            if (value.ValueKind == System.Text.Json.JsonValueKind.Null)
            {
                continue; // null clears the field
            }
            if (customFields.Find(key) is not { } definition)
            {
                errors.Add($"customFields.{key}", "Not a custom field of this base; define it first (PUT /api/contacts/custom-fields/{key}).");
            }
            else if (definition.Check(value) is { } problem)
            {
                errors.Add($"customFields.{key}", problem);
            }
        }

        ValidateWindow(errors, "callWindow", card.CallWindow);
        ValidateWindow(errors, "workingHours", card.WorkingHours);
        errors.MaxLength("companyRole", card.CompanyRole, ContactRules.ShortTextMaxLength);
        if (card.CompanyRole is not null && card.CompanyId is null)
        {
            errors.Add("companyRole", "A role needs the company (companyId).");
        }
        return errors;
    }

    /// <summary>E-mails, phones (normalised to E.164), addresses and tags: the rules a company's card shares.</summary>
    public void ValidateChannels(ValidationErrors errors, ContactCard card, out List<string> normalizedPhones)
    {
        ValidateList(errors, "emails", card.Emails, (field, email) =>
        {
            if (!IsEmail(email)) errors.Add(field, "Not a valid e-mail address.");
        });

        var normalized = new List<string>();
        ValidateList(errors, "phones", card.Phones, (field, phone) =>
        {
            if (phones.TryNormalize(phone ?? "", out var e164)) normalized.Add(e164);
            else errors.Add(field, "Not a valid phone number.");
        });

        ValidateList(errors, "addresses", card.Addresses, (field, a) =>
        {
            if (a?.Kind is { } kind && !ContactRules.AddressKinds.Contains(kind))
            {
                errors.OneOf(field + ".kind", kind, ContactRules.AddressKinds);
            }
            if (a?.Country is { } country && (country.Length != 2 || !country.All(char.IsAsciiLetter)))
            {
                errors.Add(field + ".country", "A two-letter ISO 3166 code, e.g. PL.");
            }
        });
        ValidateList(errors, "tags", card.Tags, (field, tag) =>
        {
            if (string.IsNullOrWhiteSpace(tag) || tag.Length > ContactRules.TagMaxLength)
                errors.Add(field, $"A tag is 1 to {ContactRules.TagMaxLength} characters.");
        }, ContactRules.MaxTags);
        normalizedPhones = normalized;
    }

    /// <summary>A weekly window: days by name, from and to as HH:mm in the contact's time zone, from before to.</summary>
    public static void ValidateWindow(ValidationErrors errors, string field, CallWindowDto? window)
    {
        if (window is null)
        {
            return;
        }
        if (window.Days is not { Count: > 0 } || window.Days.Any(d => !ContactCardMapper.IsDay(d)))
        {
            errors.Add($"{field}.days", "One or more day names, e.g. [\"monday\", \"friday\"].");
        }
        if (window.From is null) errors.Add($"{field}.from", "This field is required (HH:mm).");
        if (window.To is null) errors.Add($"{field}.to", "This field is required (HH:mm).");
        if (window is { From: { } from, To: { } to } && from >= to) errors.Add($"{field}.to", "Must be later than from.");
    }

    /// <summary>An entry of a list field, named (<c>emails[1]</c>) only when an error needs the name: most entries have none.</summary>
    private readonly record struct Entry(string List, int Index)
    {
        public static implicit operator string(Entry entry) => entry.ToString();

        public override string ToString() => $"{List}[{Index}]";
    }

    private static void ValidateList<T>(ValidationErrors errors, string field, List<T>? items, Action<Entry, T> validate, int max = ContactRules.MaxChannelsPerKind)
    {
        if (items is null)
        {
            return;
        }
        if (items.Count > max)
        {
            errors.Add(field, $"At most {max} entries.");
            return;
        }
        for (var i = 0; i < items.Count; i++)
        {
            validate(new Entry(field, i), items[i]);
        }
    }

    private static bool IsEmail(string? value) =>
        !string.IsNullOrWhiteSpace(value)
        && value.Length <= ContactRules.EmailMaxLength
        && MailAddress.TryCreate(value.Trim(), out var address)
        && address.Address == value.Trim();
}
