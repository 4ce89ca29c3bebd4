using System.Globalization;
using CustomerBase.Contacts.Contracts.Grpc;

namespace CustomerBase.Campaigns.Model;

/// <summary>What campaigns needs of a contact to address and time a message, from contacts' directory card.</summary>
public sealed record RecipientCard(
    Guid Id,
    string? FirstName,
    string? MiddleName,
    string? LastName,
    string? Email,
    string? Phone,
    IReadOnlyList<string> Messengers,
    string? TimeZone,
    string? Language,
    DateOnly? BirthDate,
    IReadOnlyList<string> Tags,
    SendWindow.CallWindow? CallWindow,
    string? PreferredChannel)
{
    /// <summary>The contact's time zone, UTC when unknown or not recognised.</summary>
    public TimeZoneInfo Zone => SendWindow.FindZone(TimeZone);

    /// <summary>Where a message on this channel goes: the first e-mail, the first phone (SMS, calls), the first messenger handle.</summary>
    public string? AddressFor(string channel) => channel switch
    {
        CampaignChannels.Email => Email,
        CampaignChannels.Sms or CampaignChannels.CallTask => Phone,
        CampaignChannels.Messenger => Messengers.FirstOrDefault(),
        _ => null,
    };

    public static RecipientCard From(DirectoryContact contact) => new(
        Guid.Parse(contact.Id),
        Empty(contact.FirstName), Empty(contact.MiddleName), Empty(contact.LastName),
        contact.Emails.FirstOrDefault(), contact.Phones.FirstOrDefault(),
        contact.Messengers.Select(m => $"{m.Kind}:{m.Handle}").ToList(),
        Empty(contact.TimeZone), Empty(contact.Language),
        DateOnly.TryParseExact(contact.BirthDate, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var birth) ? birth : null,
        contact.Tags.ToList(),
        contact.CallWindow is { } window ? SendWindow.CallWindow.Parse(window.Days, window.From, window.To) : null,
        Empty(contact.PreferredChannel));

    private static string? Empty(string value) => string.IsNullOrEmpty(value) ? null : value;
}
