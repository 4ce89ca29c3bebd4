namespace CustomerBase.Contacts.Model;

/// <summary>The audit record of a merge: who merged what into what, and which contact each chosen field came from.</summary>
public sealed class ContactMerge
{
    public Guid Id { get; init; }
    public Guid SurvivorId { get; init; }
    public List<Guid> MergedIds { get; init; } = [];

    /// <summary>JSON object: field name → the contact id whose value was kept.</summary>
    public string FieldChoices { get; init; } = "{}";
    public string? MergedBy { get; init; }
    public DateTimeOffset MergedAt { get; init; }
}
