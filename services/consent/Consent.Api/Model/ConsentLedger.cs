using CustomerBase.Consent.Contracts;
using CustomerBase.Consent.Infrastructure;
using CustomerBase.Messaging;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CustomerBase.Consent.Model;

/// <summary>
/// Appends to the consent ledger. Each append writes, in one transaction, the ledger entries, the current state of
/// every contact × purpose × channel they touch, their audit entries and their ConsentChanged events, so a check
/// never sees a state the ledger does not explain, and the ledger is never half-written.
/// </summary>
public sealed class ConsentLedger(ConsentDbContext db, IOptions<ConsentPolicy> policy, ILogger<ConsentLedger> logger)
{
    private const int MaxAttempts = 5;

    /// <param name="records">In ledger order; ids and moments set by the caller.</param>
    /// <param name="alongside">More changes that belong to the same unit of work (a double opt-in token, a used unsubscribe token).</param>
    public async Task AppendAsync(IReadOnlyList<ConsentRecord> records, string actor, Action<ConsentDbContext>? alongside, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await AppendOnceAsync(records, actor, alongside, ct);
                return;
            }
            catch (DbUpdateException ex) when (attempt < MaxAttempts && IsWriteConflict(ex))
            {
                // Another writer changed one of the same states first: start again from its result.
                logger.LogDebug("Consent write conflict, attempt {Attempt}", attempt);
                db.ChangeTracker.Clear();
            }
        }
    }

    private async Task AppendOnceAsync(IReadOnlyList<ConsentRecord> records, string actor, Action<ConsentDbContext>? alongside, CancellationToken ct)
    {
        var contactIds = records.Select(r => r.ContactId).Distinct().ToArray();
        var purposes = records.Select(r => r.Purpose).Distinct().ToArray();
        var states = await db.ConsentStates
            .Where(s => contactIds.Contains(s.ContactId) && purposes.Contains(s.Purpose))
            .ToDictionaryAsync(s => (s.ContactId, s.Purpose, s.Channel), ct);

        var sequence = await db.Database
            .SqlQueryRaw<long>($"SELECT nextval('{ConsentDbContext.SequenceName}') AS \"Value\" FROM generate_series(1, {{0}})", records.Count)
            .ToListAsync(ct);
        sequence.Sort();

        for (var i = 0; i < records.Count; i++)
        {
            var record = records[i];
            record.Sequence = sequence[i];
            var key = (record.ContactId, record.Purpose, record.Channel);
            if (!states.TryGetValue(key, out var state))
            {
                states[key] = state = ConsentState.Empty(record.ContactId, record.Purpose, record.Channel);
                db.ConsentStates.Add(state);
            }
            state.Apply(record);
            state.Version++;
            db.ConsentRecords.Add(record);
            db.Audit(actor, "consent." + record.Action, record.ContactId, $"purpose={record.Purpose};channel={record.Channel}", at: record.RecordedAt);
            db.AddToOutbox(new ConsentChanged(record.ContactId, record.Purpose, record.Channel, record.Action, record.RecordedAt));
        }
        alongside?.Invoke(db);
        await db.SaveChangesAsync(ct);
    }

    private static bool IsWriteConflict(DbUpdateException ex) =>
        ex is DbUpdateConcurrencyException || ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };

    /// <summary>The state of one contact × purpose × channel as it was at <paramref name="at"/>, replayed from the ledger.</summary>
    public static Dictionary<Guid, ConsentState> Replay(IEnumerable<ConsentRecord> recordsInOrder)
    {
        var states = new Dictionary<Guid, ConsentState>();
        foreach (var record in recordsInOrder)
        {
            if (!states.TryGetValue(record.ContactId, out var state))
            {
                states[record.ContactId] = state = ConsentState.Empty(record.ContactId, record.Purpose, record.Channel);
            }
            state.Apply(record);
        }
        return states;
    }

    public ConsentPolicy Policy => policy.Value;
}
