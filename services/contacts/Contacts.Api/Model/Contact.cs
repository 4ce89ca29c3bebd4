namespace CustomerBase.Contacts.Model;

/// <summary>A person in the customer base. Grows into the full customer card (demographics, preferences, custom fields).</summary>
public sealed class Contact
{
    public Guid Id { get; init; }
    public string? FirstName { get; set; }
    public string? LastName { get; set; }

    /// <summary>As written by the user; compared case-insensitively.</summary>
    public List<string> Emails { get; set; } = [];

    /// <summary>E.164.</summary>
    public List<string> Phones { get; set; } = [];

    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }
}
