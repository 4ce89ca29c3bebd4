namespace CustomerBase.Campaigns.Model.Templates;

/// <summary>The merge fields a template may name, and the values they take for one recipient.</summary>
public static class TemplateFields
{
    private static readonly Dictionary<string, string[]?> Known = new(StringComparer.Ordinal)
    {
        ["contact"] = ["id", "first_name", "middle_name", "last_name", "full_name", "email", "phone", "language", "birth_date", "tags", "time_zone"],
        ["last_visit"] = ["date"],
        ["last_order"] = ["date", "number", "total", "currency"],
        ["campaign"] = ["id", "name"],
        ["unsubscribe_url"] = null,
    };

    public static IEnumerable<string> Roots => Known.Keys;

    public static IReadOnlyList<string>? MembersOf(string root) => Known.GetValueOrDefault(root);

    public static bool IsKnown(string root, string? member) =>
        Known.TryGetValue(root, out var members) && (member is null || (members is not null && members.Contains(member)));

    /// <summary>The values for one recipient; dates in the recipient's time zone, so "%d.%m" is their day.</summary>
    public static Dictionary<string, object?> For(RecipientCard contact, ContactActivity? activity, Guid campaignId, string campaignName, string? unsubscribeUrl)
    {
        var zone = contact.Zone;
        return new Dictionary<string, object?>
        {
            ["contact"] = new Dictionary<string, object?>
            {
                ["id"] = contact.Id.ToString(),
                ["first_name"] = contact.FirstName,
                ["middle_name"] = contact.MiddleName,
                ["last_name"] = contact.LastName,
                ["full_name"] = string.Join(' ', new[] { contact.FirstName, contact.LastName }.Where(n => !string.IsNullOrEmpty(n))),
                ["email"] = contact.Email,
                ["phone"] = contact.Phone,
                ["language"] = contact.Language,
                ["birth_date"] = contact.BirthDate?.ToString("yyyy-MM-dd"),
                ["tags"] = contact.Tags,
                ["time_zone"] = contact.TimeZone,
            },
            ["last_visit"] = activity?.LastVisitAt is { } visit ? new Dictionary<string, object?> { ["date"] = TimeZoneInfo.ConvertTime(visit, zone) } : null,
            ["last_order"] = activity?.LastOrderAt is { } order
                ? new Dictionary<string, object?>
                {
                    ["date"] = TimeZoneInfo.ConvertTime(order, zone),
                    ["number"] = activity.LastOrderNumber,
                    ["total"] = activity.LastOrderTotal,
                    ["currency"] = activity.LastOrderCurrency,
                }
                : null,
            ["campaign"] = new Dictionary<string, object?> { ["id"] = campaignId.ToString(), ["name"] = campaignName },
            ["unsubscribe_url"] = unsubscribeUrl,
        };
    }

    /// <summary>A made-up recipient with every field set, to measure a template (an SMS's length) before any real one.</summary>
    public static Dictionary<string, object?> Sample(Guid campaignId, string campaignName) =>
        For(new RecipientCard(Guid.Empty, "Anna", null, "Kowalska", "anna@example.com", "+48500000000", [], null, "pl", new DateOnly(1990, 2, 15), [], null, null),
            new ContactActivity { LastVisitAt = new DateTimeOffset(2026, 2, 15, 12, 0, 0, TimeSpan.Zero), LastOrderAt = new DateTimeOffset(2026, 2, 15, 12, 0, 0, TimeSpan.Zero), LastOrderNumber = "A-1001", LastOrderTotal = 120m, LastOrderCurrency = "PLN" },
            campaignId, campaignName, "https://example.com/unsubscribe/x");
}
