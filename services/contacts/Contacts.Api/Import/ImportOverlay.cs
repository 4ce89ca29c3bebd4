using CustomerBase.Contacts.Apis;

namespace CustomerBase.Contacts.Import;

/// <summary>
/// How an imported row updates a contact: a value in the file replaces the card's, an empty cell keeps it; e-mails,
/// phones, messengers, tags and interests are united (an import never loses a channel); the file's address replaces
/// the card's first address of the same kind.
/// </summary>
public static class ImportOverlay
{
    public static ContactCard Over(ContactCard card, ContactCard row) => card with
    {
        FirstName = row.FirstName ?? card.FirstName,
        MiddleName = row.MiddleName ?? card.MiddleName,
        LastName = row.LastName ?? card.LastName,
        Gender = row.Gender ?? card.Gender,
        BirthDate = row.BirthDate ?? card.BirthDate,
        Language = row.Language ?? card.Language,
        TimeZone = row.TimeZone ?? card.TimeZone,
        Demographics = row.Demographics is { } d
            ? new DemographicsDto(d.Occupation ?? card.Demographics?.Occupation, d.IncomeBand ?? card.Demographics?.IncomeBand,
                d.Education ?? card.Demographics?.Education, d.MaritalStatus ?? card.Demographics?.MaritalStatus, d.Children ?? card.Demographics?.Children)
            : card.Demographics,
        Interests = Union(card.Interests, row.Interests),
        Source = row.Source is { } s ? new SourceDto(s.Channel ?? card.Source?.Channel, s.Campaign ?? card.Source?.Campaign, card.Source?.ReferredBy) : card.Source,
        Emails = Union(card.Emails, row.Emails),
        Phones = Union(card.Phones, row.Phones),
        Messengers = [.. (card.Messengers ?? []).Concat(row.Messengers ?? []).DistinctBy(m => (m.Kind, m.Handle?.ToLowerInvariant()))],
        Addresses = Addresses(card.Addresses, row.Addresses),
        PreferredChannel = row.PreferredChannel ?? card.PreferredChannel,
        Tags = Union(card.Tags, row.Tags),
        CustomFields = row.CustomFields is null ? card.CustomFields
            : new Dictionary<string, System.Text.Json.JsonElement>((card.CustomFields ?? []).Concat(row.CustomFields).GroupBy(f => f.Key).Select(g => g.Last())),
        CompanyId = row.CompanyId ?? card.CompanyId,
        CompanyRole = row.CompanyRole ?? card.CompanyRole,
        WorkingHours = row.WorkingHours ?? card.WorkingHours,
        OwnerId = row.OwnerId ?? card.OwnerId,
        Team = row.Team ?? card.Team,
        ExternalId = row.ExternalId ?? card.ExternalId,
    };

    private static List<string>? Union(List<string>? current, List<string>? added) =>
        added is null ? current : [.. (current ?? []).Union(added, StringComparer.OrdinalIgnoreCase)];

    private static List<AddressDto>? Addresses(List<AddressDto>? current, List<AddressDto>? added)
    {
        if (added is not [var address, ..])
        {
            return current;
        }
        var list = current is null ? [] : new List<AddressDto>(current);
        var same = list.FindIndex(a => a.Kind == address.Kind);
        if (same >= 0) list[same] = address;
        else list.Insert(0, address);
        return list;
    }
}
