using CustomerBase.Consent.Contracts.Grpc;

namespace CustomerBase.Consent.Model;

/// <summary>
/// The current state of one contact × purpose × channel, derived from the ledger and written in the same transaction
/// as each ledger entry, so a check reads one row per contact instead of replaying history.
/// <see cref="Apply"/> is the one definition of how an entry changes the state; replaying the ledger with it gives
/// the state at any past moment.
/// </summary>
public sealed class ConsentState
{
    public Guid ContactId { get; init; }
    public required string Purpose { get; init; }
    public required string Channel { get; init; }

    /// <summary>none, granted, pending or withdrawn.</summary>
    public string Status { get; set; } = ConsentStatuses.None;
    public string? LegalBasis { get; set; }
    public DateTimeOffset? ExpiresAt { get; set; }

    /// <summary>objection or restriction: stops the purpose whatever the grant says.</summary>
    public string? Block { get; set; }

    /// <summary>The pending grant a double opt-in confirmation must match.</summary>
    public Guid? PendingRecordId { get; set; }

    /// <summary>The moment of the latest entry applied: a check about an earlier moment replays the ledger instead.</summary>
    public DateTimeOffset ChangedAt { get; set; }

    /// <summary>Optimistic concurrency: two writers of the same key cannot both win.</summary>
    public int Version { get; set; }

    public static ConsentState Empty(Guid contactId, string purpose, string channel) =>
        new() { ContactId = contactId, Purpose = purpose, Channel = channel };

    public void Apply(ConsentRecord record)
    {
        switch (record.Action)
        {
            case ConsentActions.Grant when record.Pending:
                Status = ConsentStatuses.Pending;
                LegalBasis = record.LegalBasis;
                ExpiresAt = record.ExpiresAt;
                PendingRecordId = record.Id;
                break;
            case ConsentActions.Grant:
                Status = ConsentStatuses.Granted;
                LegalBasis = record.LegalBasis;
                ExpiresAt = record.ExpiresAt;
                PendingRecordId = null;
                // The person's own new consent supersedes their earlier objection or restriction; a grant on any
                // other basis is the business's claim and cannot lift what the person asked for.
                if (record.LegalBasis == LegalBases.Consent)
                {
                    Block = null;
                }
                break;
            case ConsentActions.Confirmation when Status == ConsentStatuses.Pending && PendingRecordId == record.RelatesTo:
                Status = ConsentStatuses.Granted;
                PendingRecordId = null;
                Block = null;
                break;
            case ConsentActions.Withdraw:
                Status = ConsentStatuses.Withdrawn;
                PendingRecordId = null;
                break;
            case ConsentActions.Objection:
            case ConsentActions.Restriction:
                Block = record.Action;
                break;
        }
        ChangedAt = record.RecordedAt;
    }

    /// <summary>Whether processing is allowed at <paramref name="at"/> (suppression is decided by the caller, before this).</summary>
    public ConsentReason Decide(DateTimeOffset at, ConsentPolicy policy) => this switch
    {
        { Block: ConsentActions.Objection } => ConsentReason.Objection,
        { Block: ConsentActions.Restriction } => ConsentReason.Restricted,
        { Status: ConsentStatuses.Withdrawn } => ConsentReason.Withdrawn,
        { Status: ConsentStatuses.Pending } => ConsentReason.PendingDoubleOptIn,
        { Status: ConsentStatuses.Granted, ExpiresAt: { } expires } when expires <= at => ConsentReason.Expired,
        // A grant on a basis the deployment's policy no longer accepts for this purpose does not count.
        { Status: ConsentStatuses.Granted } when policy.Accepts(Purpose, LegalBasis) => ConsentReason.Granted,
        _ => ConsentReason.NoConsent,
    };
}

public static class ConsentStatuses
{
    public const string None = "none";
    public const string Granted = "granted";
    public const string Pending = "pending";
    public const string Withdrawn = "withdrawn";
}
