using CustomerBase.Consent.Contracts;
using Microsoft.EntityFrameworkCore;

namespace CustomerBase.Messaging;

public static class OutboxErasure
{
    /// <summary>Outbox rows of this type are the audit trail on its way to consent, which keeps it by id after an erasure.</summary>
    public static readonly string AuditTrailTypePattern = typeof(PersonalDataAccessed).FullName + ",%";

    /// <summary>
    /// Deletes the outbox rows whose message mentions <paramref name="id"/> (a person being erased): sent rows keep
    /// the snapshot they carried (names, for contact events) until the log clean-up, and an erasure cannot wait for it.
    /// Reads of the person's data reported to the audit trail (<see cref="PersonalDataAccessed"/>: ids, who, what) are
    /// kept: the trail outlives the person by design, and a read noted just before the erasure may reach the outbox
    /// just after it. Runs in the caller's transaction; returns how many rows went.
    /// </summary>
    public static Task<int> ForgetOutboxMessagesAboutAsync(this DbContext db, Guid id, CancellationToken ct) =>
        db.Database.ExecuteSqlRawAsync(
            "DELETE FROM " + MessagingModelBuilderExtensions.OutboxTable + " WHERE strpos(body::text, {0}) > 0 AND message_type NOT LIKE {1}",
            [id.ToString(), AuditTrailTypePattern], ct);
}
