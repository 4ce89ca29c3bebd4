using CustomerBase.Contacts.Model;

namespace CustomerBase.Contacts.Companies;

/// <summary>
/// A business customer. Its staff are contacts linked to it (<see cref="Contact.CompanyId"/>) with a role and their own
/// channels and working hours. The tax id, normalised, is unique: a second company with it is a duplicate.
/// </summary>
public sealed class Company
{
    public Guid Id { get; init; }
    public string Name { get; set; } = "";
    public string? TaxId { get; set; }

    /// <summary>The tax id in capitals without spaces, dots or dashes: "PL 123-456-32-18" and "pl1234563218" are one.</summary>
    public string? TaxIdKey { get; set; }

    public string? Industry { get; set; }

    /// <summary>A headcount band: 1-10, 11-50, 51-200, 201-1000, 1000+.</summary>
    public string? Size { get; set; }

    public PostalAddress? Address { get; set; }
    public List<string> Emails { get; set; } = [];

    /// <summary>E.164.</summary>
    public List<string> Phones { get; set; } = [];
    public string? Website { get; set; }
    public List<string> Tags { get; set; } = [];
    public string? OwnerId { get; set; }
    public string? Team { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }
    public int Version { get; set; }

    public static string? KeyOf(string? taxId) =>
        taxId is null ? null : new string(taxId.Where(char.IsLetterOrDigit).Select(char.ToUpperInvariant).ToArray()) is { Length: > 0 } key ? key : null;
}

public static class CompanyRules
{
    public static readonly IReadOnlySet<string> Sizes = new HashSet<string> { "1-10", "11-50", "51-200", "201-1000", "1000+" };

    /// <summary>Roles suggested in clients; any text of up to 200 characters is accepted.</summary>
    public static readonly IReadOnlyList<string> CommonRoles = ["director", "deputy director", "head of sales", "chief accountant", "purchasing manager", "office manager"];
}
