namespace CustomerBase.Consent.Model;

/// <summary>
/// One line of the audit trail: who did or read what, when. Consent writes its own changes and request steps here
/// in the same transaction as the change; other services' reads of personal data arrive as PersonalDataAccessed.
/// Ids and counts only; never names or addresses.
/// </summary>
public sealed class AuditEntry
{
    public Guid Id { get; init; }
    public required string Service { get; init; }
    public required string Actor { get; init; }
    public DateTimeOffset At { get; init; }

    /// <summary>e.g. consent.grant, suppression.add, erasure.requested, contacts.search.</summary>
    public required string What { get; init; }
    public Guid? ContactId { get; init; }
    public string? Filter { get; init; }
    public int RowCount { get; init; }
}
