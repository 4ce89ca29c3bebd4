namespace CustomerBase.Segmentation.Model;

/// <summary>
/// Segmentation's own copy of a contact: attributes from contact events, purchase statistics from order events.
/// Events may arrive in any order (an order before its contact), so every field but the id is optional.
/// Written only through <see cref="Infrastructure.ContactProfileWriter"/>'s atomic upserts.
/// </summary>
public sealed class ContactProfile
{
    public Guid ContactId { get; init; }
    public string? FirstName { get; set; }
    public string? LastName { get; set; }

    /// <summary>When the contact was created in contacts; null while only orders have been seen.</summary>
    public DateTimeOffset? CreatedAt { get; set; }

    public int OrderCount { get; set; }
    public decimal TotalSpent { get; set; }
    public DateTimeOffset? FirstOrderAt { get; set; }
    public DateTimeOffset? LastOrderAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
