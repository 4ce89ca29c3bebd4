using Microsoft.EntityFrameworkCore;

namespace CustomerBase.Messaging;

public static class OutboxErasure
{
    /// <summary>
    /// Deletes the outbox rows whose message mentions <paramref name="id"/> (a person being erased): sent rows keep
    /// the snapshot they carried (names, for contact events) until the log clean-up, and an erasure cannot wait for it.
    /// Runs in the caller's transaction; returns how many rows went.
    /// </summary>
    public static Task<int> ForgetOutboxMessagesAboutAsync(this DbContext db, Guid id, CancellationToken ct) =>
        db.Database.ExecuteSqlRawAsync(
            "DELETE FROM " + MessagingModelBuilderExtensions.OutboxTable + " WHERE strpos(body::text, {0}) > 0", [id.ToString()], ct);
}
