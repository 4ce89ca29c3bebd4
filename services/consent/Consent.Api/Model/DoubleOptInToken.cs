namespace CustomerBase.Consent.Model;

/// <summary>
/// The confirmation a pending grant waits for. Only the token's SHA-256 is stored: the token itself leaves once, in
/// the answer to the grant, for the caller to send to the person on the channel being confirmed.
/// </summary>
public sealed class DoubleOptInToken
{
    public required byte[] TokenHash { get; init; }
    public Guid PendingRecordId { get; init; }
    public Guid ContactId { get; init; }
    public required string Purpose { get; init; }
    public required string Channel { get; init; }
    public DateTimeOffset ExpiresAt { get; init; }
    public DateTimeOffset? UsedAt { get; set; }
}

/// <summary>An unsubscribe token that has been used: each link withdraws once.</summary>
public sealed class UsedUnsubscribeToken
{
    public required byte[] TokenHash { get; init; }
    public Guid ContactId { get; init; }
    public DateTimeOffset UsedAt { get; init; }
}

/// <summary>A record that a person's data went to a third party: to whom, for what, and when the person was told.</summary>
public sealed class DataTransfer
{
    public Guid Id { get; init; }
    public Guid ContactId { get; init; }
    public required string Recipient { get; init; }
    public required string Purpose { get; init; }
    public required string LegalBasis { get; init; }
    public string? Categories { get; init; }
    public DateTimeOffset TransferredAt { get; init; }
    public DateTimeOffset? InformedAt { get; init; }
    public required string RecordedBy { get; init; }
    public DateTimeOffset RecordedAt { get; init; }
}
