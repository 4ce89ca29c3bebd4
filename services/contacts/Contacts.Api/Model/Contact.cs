using System.Text.Json;

namespace CustomerBase.Contacts.Model;

/// <summary>
/// A person in the customer base: the customer card. Channels are normalised on write (e-mails trimmed, phones
/// E.164) so that searches match whatever form the user types. Owned by a manager (<see cref="OwnerId"/>) in a team.
/// </summary>
public sealed class Contact
{
    public Guid Id { get; init; }

    public string? FirstName { get; set; }
    public string? MiddleName { get; set; }
    public string? LastName { get; set; }
    public string? Gender { get; set; }
    public DateOnly? BirthDate { get; set; }
    public string? Language { get; set; }

    /// <summary>IANA time zone, e.g. Europe/Warsaw: the call window and send windows are in it.</summary>
    public string? TimeZone { get; set; }

    public Demographics Demographics { get; set; } = new();
    public List<string> Interests { get; set; } = [];
    public List<ImportantDate> ImportantDates { get; set; } = [];
    public ContactSource Source { get; set; } = new();

    public List<string> Emails { get; set; } = [];

    /// <summary>E.164.</summary>
    public List<string> Phones { get; set; } = [];
    public List<MessengerHandle> Messengers { get; set; } = [];
    public List<PostalAddress> Addresses { get; set; } = [];

    public string? PreferredChannel { get; set; }
    public CallWindow? CallWindow { get; set; }

    public List<string> Tags { get; set; } = [];

    /// <summary>The company the person works for (they are on its staff), their role there and their working hours.</summary>
    public Guid? CompanyId { get; set; }
    public string? CompanyRole { get; set; }
    public CallWindow? WorkingHours { get; set; }

    /// <summary>Values of the base's custom fields by key, each checked against its definition on write.</summary>
    public Dictionary<string, JsonElement> CustomFields { get; set; } = [];

    /// <summary>The responsible manager (their token's <c>sub</c>) and their team; sales managers see their team's contacts only.</summary>
    public string? OwnerId { get; set; }
    public string? Team { get; set; }

    /// <summary>The contact's id in the system it was imported from; unique when set.</summary>
    public string? ExternalId { get; set; }

    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Incremented on every change; the ETag, and the optimistic concurrency token.</summary>
    public int Version { get; set; }

    // Derived search keys, kept by ContactSearchKeys.Refresh: lower-case names and e-mails.
    // Each name part has its own key so a word prefix is a btree range scan (text_pattern_ops), not a trigram scan.
    public string SearchName { get; set; } = "";
    public string? FirstNameKey { get; set; }
    public string? MiddleNameKey { get; set; }
    public string? LastNameKey { get; set; }
    public List<string> EmailKeys { get; set; } = [];
}

public sealed class Demographics
{
    public string? Occupation { get; set; }
    public string? IncomeBand { get; set; }
    public string? Education { get; set; }
    public string? MaritalStatus { get; set; }
    public int? Children { get; set; }
}

/// <summary>A date that matters in the relationship: a spouse's birthday, a favourite team's final.</summary>
public sealed class ImportantDate
{
    public string Label { get; set; } = "";
    public DateOnly Date { get; set; }
    public string? Note { get; set; }
}

/// <summary>How they heard of us.</summary>
public sealed class ContactSource
{
    public string? Channel { get; set; }
    public string? Campaign { get; set; }
    public Guid? ReferredBy { get; set; }
}

public sealed class MessengerHandle
{
    public string Kind { get; set; } = "";
    public string Handle { get; set; } = "";
}

public sealed class PostalAddress
{
    /// <summary>postal or delivery.</summary>
    public string Kind { get; set; } = "postal";
    public string? Line1 { get; set; }
    public string? Line2 { get; set; }
    public string? City { get; set; }
    public string? Region { get; set; }
    public string? PostalCode { get; set; }

    /// <summary>ISO 3166 alpha-2.</summary>
    public string? Country { get; set; }
}

/// <summary>When the person may be called, in their time zone: e.g. 10:00–14:00 on weekdays.</summary>
public sealed class CallWindow
{
    public List<DayOfWeek> Days { get; set; } = [];
    public TimeOnly From { get; set; }
    public TimeOnly To { get; set; }
}
