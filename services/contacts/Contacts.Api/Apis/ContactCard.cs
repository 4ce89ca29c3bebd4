using System.Text.Json;
using CustomerBase.Contacts.Model;

namespace CustomerBase.Contacts.Apis;

/// <summary>
/// The customer card as clients write it (POST, and the document a JSON merge patch applies to). Every field is
/// optional in the type so that a missing required one gets a 400 naming it rather than a deserialisation error.
/// </summary>
public record ContactCard
{
    public string? FirstName { get; init; }
    public string? MiddleName { get; init; }
    public string? LastName { get; init; }
    public string? Gender { get; init; }
    public DateOnly? BirthDate { get; init; }
    public string? Language { get; init; }
    public string? TimeZone { get; init; }
    public DemographicsDto? Demographics { get; init; }
    public List<string>? Interests { get; init; }
    public List<ImportantDateDto>? ImportantDates { get; init; }
    public SourceDto? Source { get; init; }
    public List<string>? Emails { get; init; }
    public List<string>? Phones { get; init; }
    public List<MessengerDto>? Messengers { get; init; }
    public List<AddressDto>? Addresses { get; init; }
    public string? PreferredChannel { get; init; }
    public CallWindowDto? CallWindow { get; init; }
    public List<string>? Tags { get; init; }

    /// <summary>The company whose staff the person is on (<c>/api/contacts/companies</c>), their role, their working hours.</summary>
    public Guid? CompanyId { get; init; }
    public string? CompanyRole { get; init; }
    public CallWindowDto? WorkingHours { get; init; }

    /// <summary>Custom field values by key; each must be defined (<c>/api/contacts/custom-fields</c>) and fit its type.</summary>
    public Dictionary<string, JsonElement>? CustomFields { get; init; }
    public string? OwnerId { get; init; }
    public string? Team { get; init; }
    public string? ExternalId { get; init; }
}

public sealed record DemographicsDto(string? Occupation, string? IncomeBand, string? Education, string? MaritalStatus, int? Children);

public sealed record ImportantDateDto(string? Label, DateOnly? Date, string? Note);

public sealed record SourceDto(string? Channel, string? Campaign, Guid? ReferredBy);

public sealed record MessengerDto(string? Kind, string? Handle);

public sealed record AddressDto(string? Kind, string? Line1, string? Line2, string? City, string? Region, string? PostalCode, string? Country);

/// <summary>Days as names (<c>monday</c>), times as <c>HH:mm</c> in the contact's time zone.</summary>
public sealed record CallWindowDto(List<string>? Days, TimeOnly? From, TimeOnly? To);

/// <summary>The card as the API answers it: what was written, plus identity and the version (also the ETag).</summary>
public sealed record ContactResponse : ContactCard
{
    public Guid Id { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
    public int Version { get; init; }
}
