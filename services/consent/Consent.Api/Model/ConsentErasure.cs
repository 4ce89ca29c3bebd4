using CustomerBase.Consent.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CustomerBase.Consent.Model;

/// <summary>Consent's own part of an erasure: everything it holds under the contact's id, except the suppression hashes.</summary>
public static class ConsentErasure
{
    /// <summary>Deletes in the caller's transaction; returns how many rows went.</summary>
    public static async Task<int> EraseAsync(ConsentDbContext db, Guid contactId, CancellationToken ct)
    {
        // The ledger is append-only except here: once the person is gone there is no processing left to prove,
        // and the evidence (IP address, user agent) is itself personal data.
        var rows = await db.ConsentRecords.Where(r => r.ContactId == contactId).ExecuteDeleteAsync(ct);
        rows += await db.ConsentStates.Where(s => s.ContactId == contactId).ExecuteDeleteAsync(ct);
        rows += await db.DoubleOptInTokens.Where(t => t.ContactId == contactId).ExecuteDeleteAsync(ct);
        rows += await db.UsedUnsubscribeTokens.Where(t => t.ContactId == contactId).ExecuteDeleteAsync(ct);
        rows += await db.DataTransfers.Where(t => t.ContactId == contactId).ExecuteDeleteAsync(ct);
        return rows;
    }
}
