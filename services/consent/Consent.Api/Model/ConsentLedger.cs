using CustomerBase.Consent.Contracts;
using CustomerBase.Consent.Contracts.Grpc;
using CustomerBase.Consent.Infrastructure;
using CustomerBase.Messaging;
using Microsoft.EntityFrameworkCore;

namespace CustomerBase.Consent.Model;

/// <summary>Appends to the consent ledger and derives the current state from it.</summary>
public sealed class ConsentLedger(ConsentDbContext db)
{
    public async Task<ConsentRecord> AppendAsync(ConsentRecord record, CancellationToken ct)
    {
        db.ConsentRecords.Add(record);
        db.AddToOutbox(new ConsentChanged(record.ContactId, record.Purpose, record.Channel, record.Action, record.RecordedAt));
        await db.SaveChangesAsync(ct);
        return record;
    }

    /// <summary>For each contact, whether it may be processed for <paramref name="purpose"/> on <paramref name="channel"/> at <paramref name="at"/>.</summary>
    public async Task<IReadOnlyDictionary<Guid, ConsentReason>> CheckAsync(IReadOnlyCollection<Guid> contactIds, string purpose, string channel, DateTimeOffset at, CancellationToken ct)
    {
        // The latest entry at the moment asked about decides; DISTINCT ON keeps one row per contact.
        var latest = await db.ConsentRecords
            .FromSql($"""
                SELECT DISTINCT ON (contact_id) * FROM consent_records
                WHERE contact_id = ANY({contactIds.ToArray()}) AND purpose = {purpose} AND channel = {channel} AND recorded_at <= {at}
                ORDER BY contact_id, recorded_at DESC, id DESC
                """)
            .AsNoTracking()
            .ToDictionaryAsync(r => r.ContactId, ct);

        return contactIds.Distinct().ToDictionary(id => id, id => latest.TryGetValue(id, out var record) ? Decide(record, at) : ConsentReason.NoConsent);
    }

    public static ConsentReason Decide(ConsentRecord latest, DateTimeOffset at) => latest.Action switch
    {
        ConsentVocabulary.Grant when latest.ExpiresAt is { } expires && expires <= at => ConsentReason.Expired,
        ConsentVocabulary.Grant => ConsentReason.Granted,
        ConsentVocabulary.Withdraw => ConsentReason.Withdrawn,
        _ => ConsentReason.NoConsent,
    };
}
