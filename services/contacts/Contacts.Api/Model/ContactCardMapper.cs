using CustomerBase.Contacts.Apis;
using CustomerBase.Contacts.Contracts;

namespace CustomerBase.Contacts.Model;

/// <summary>Between the entity and the card clients read and write. Phones arrive already normalised by the validator.</summary>
public static class ContactCardMapper
{
    public static ContactResponse ToResponse(this Contact c) => new()
    {
        Id = c.Id,
        FirstName = c.FirstName,
        MiddleName = c.MiddleName,
        LastName = c.LastName,
        Gender = c.Gender,
        BirthDate = c.BirthDate,
        Language = c.Language,
        TimeZone = c.TimeZone,
        Demographics = new DemographicsDto(c.Demographics.Occupation, c.Demographics.IncomeBand, c.Demographics.Education, c.Demographics.MaritalStatus, c.Demographics.Children),
        Interests = c.Interests,
        ImportantDates = c.ImportantDates.Select(d => new ImportantDateDto(d.Label, d.Date, d.Note)).ToList(),
        Source = new SourceDto(c.Source.Channel, c.Source.Campaign, c.Source.ReferredBy),
        Emails = c.Emails,
        Phones = c.Phones,
        Messengers = c.Messengers.Select(m => new MessengerDto(m.Kind, m.Handle)).ToList(),
        Addresses = c.Addresses.Select(a => new AddressDto(a.Kind, a.Line1, a.Line2, a.City, a.Region, a.PostalCode, a.Country)).ToList(),
        PreferredChannel = c.PreferredChannel,
        CallWindow = ToDto(c.CallWindow),
        Tags = c.Tags,
        CustomFields = c.CustomFields,
        CompanyId = c.CompanyId,
        CompanyRole = c.CompanyRole,
        WorkingHours = ToDto(c.WorkingHours),
        OwnerId = c.OwnerId,
        Team = c.Team,
        ExternalId = c.ExternalId,
        CreatedAt = c.CreatedAt,
        UpdatedAt = c.UpdatedAt,
        Version = c.Version,
    };

    /// <summary>Writes a validated card onto the entity; returns the names of the fields whose value changed.</summary>
    public static IReadOnlyList<string> Apply(this Contact c, ContactCard card, IReadOnlyList<string> normalizedPhones)
    {
        var before = c.ToResponse();
        c.Write(card, normalizedPhones);
        return ContactChanges.Between(before, c.ToResponse());
    }

    /// <summary>Writes a validated card onto the entity without working out what changed (a new contact, an import).</summary>
    public static void Write(this Contact c, ContactCard card, IReadOnlyList<string> normalizedPhones)
    {
        c.FirstName = Clean(card.FirstName);
        c.MiddleName = Clean(card.MiddleName);
        c.LastName = Clean(card.LastName);
        c.Gender = card.Gender;
        c.BirthDate = card.BirthDate;
        c.Language = Clean(card.Language);
        c.TimeZone = card.TimeZone;
        c.Demographics = card.Demographics is { } d
            ? new Demographics { Occupation = Clean(d.Occupation), IncomeBand = Clean(d.IncomeBand), Education = Clean(d.Education), MaritalStatus = Clean(d.MaritalStatus), Children = d.Children }
            : new Demographics();
        c.Interests = Distinct(card.Interests);
        c.ImportantDates = card.ImportantDates?.Select(i => new ImportantDate { Label = i.Label!.Trim(), Date = i.Date!.Value, Note = Clean(i.Note) }).ToList() ?? [];
        c.Source = card.Source is { } s ? new ContactSource { Channel = Clean(s.Channel), Campaign = Clean(s.Campaign), ReferredBy = s.ReferredBy } : new ContactSource();
        c.Emails = Distinct(card.Emails);
        c.Phones = normalizedPhones.Count == 1 ? [normalizedPhones[0]] : normalizedPhones.Distinct().ToList();
        c.Messengers = card.Messengers?.Select(m => new MessengerHandle { Kind = m.Kind!, Handle = m.Handle!.Trim() }).ToList() ?? [];
        c.Addresses = card.Addresses?.ConvertAll(a => new PostalAddress
        {
            Kind = a.Kind ?? "postal", Line1 = Clean(a.Line1), Line2 = Clean(a.Line2), City = Clean(a.City), Region = Clean(a.Region),
            PostalCode = Clean(a.PostalCode), Country = a.Country?.ToUpperInvariant(),
        }) ?? [];
        c.PreferredChannel = card.PreferredChannel;
        c.CallWindow = FromDto(card.CallWindow);
        c.CompanyId = card.CompanyId;
        c.CompanyRole = Clean(card.CompanyRole);
        c.WorkingHours = FromDto(card.WorkingHours);
        c.Tags = Distinct(card.Tags);
        c.CustomFields = card.CustomFields?.Where(f => f.Value.ValueKind != System.Text.Json.JsonValueKind.Null).ToDictionary(f => f.Key, f => f.Value.Clone()) ?? [];
        c.OwnerId = Clean(card.OwnerId);
        c.Team = Clean(card.Team);
        c.ExternalId = Clean(card.ExternalId);
        ContactSearchKeys.Refresh(c);
    }

    /// <summary>What events carry of a contact: see <see cref="ContactSnapshot"/>.</summary>
    public static ContactSnapshot ToSnapshot(this Contact c) => new(
        c.FirstName, c.LastName, c.Gender, c.BirthDate, c.Addresses.FirstOrDefault(a => a.City is not null)?.City,
        c.TimeZone, c.PreferredChannel, c.Tags, c.OwnerId, c.Team, c.Language, c.CustomFields);

    public static CallWindowDto? ToDto(CallWindow? w) => w is null ? null : new CallWindowDto(w.Days.Select(DayName).ToList(), w.From, w.To);

    /// <summary>A validated window (days, from, to present) as the entity keeps it: days distinct and in week order.</summary>
    public static CallWindow? FromDto(CallWindowDto? w) =>
        w is null ? null : new CallWindow { Days = w.Days!.Select(ParseDay).Distinct().Order().ToList(), From = w.From!.Value, To = w.To!.Value };

    public static string DayName(DayOfWeek day) => day.ToString().ToLowerInvariant();

    public static DayOfWeek ParseDay(string name) => Enum.Parse<DayOfWeek>(name, ignoreCase: true);

    public static bool IsDay(string? name) => name is not null && Enum.TryParse<DayOfWeek>(name, ignoreCase: true, out _) && !int.TryParse(name, out _);

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <remarks>One value or none is the usual case (an import writes a million cards): no query is built for it.</remarks>
    private static List<string> Distinct(List<string>? values) => values switch
    {
        null or [] => [],
        [var one] => string.IsNullOrWhiteSpace(one) ? [] : [one.Trim()],
        _ => values.Where(v => !string.IsNullOrWhiteSpace(v)).Select(v => v.Trim()).Distinct(StringComparer.OrdinalIgnoreCase).ToList(),
    };
}

/// <summary>The lower-case keys name and e-mail searches use.</summary>
public static class ContactSearchKeys
{
    public static void Refresh(Contact c)
    {
        c.SearchName = JoinNonEmpty(JoinNonEmpty(c.FirstName, c.MiddleName), c.LastName).ToLowerInvariant();
        c.EmailKeys = c.Emails.ConvertAll(e => e.ToLowerInvariant());
        c.FirstNameKey = c.FirstName?.ToLowerInvariant();
        c.MiddleNameKey = c.MiddleName?.ToLowerInvariant();
        c.LastNameKey = c.LastName?.ToLowerInvariant();
    }

    /// <summary>The two names with a space between, or the one that is not empty (a join without a query per card).</summary>
    private static string JoinNonEmpty(string? first, string? second) =>
        string.IsNullOrEmpty(first) ? second ?? "" : string.IsNullOrEmpty(second) ? first : string.Concat(first, " ", second);
}

/// <summary>Which card fields differ between two versions: what ContactUpdated reports.</summary>
public static class ContactChanges
{
    /// <remarks>Both sides are serialised as <see cref="ContactCard"/>, so identity, version and dates never count as changes.</remarks>
    public static IReadOnlyList<string> Between(ContactCard before, ContactCard after)
    {
        var beforeJson = System.Text.Json.JsonSerializer.SerializeToNode(before, ContactJson.Options)!.AsObject();
        var afterJson = System.Text.Json.JsonSerializer.SerializeToNode(after, ContactJson.Options)!.AsObject();
        return afterJson.Where(p => !System.Text.Json.Nodes.JsonNode.DeepEquals(p.Value, beforeJson[p.Key]))
            .Select(p => p.Key)
            .ToList();
    }
}
