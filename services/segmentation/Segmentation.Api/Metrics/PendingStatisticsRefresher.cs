using CustomerBase.Segmentation.Infrastructure;
using CustomerBase.Segmentation.Segments;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CustomerBase.Segmentation.Metrics;

/// <summary>
/// Brings imported contacts and orders into their contacts' statistics, metrics (and stage events) and segments, for the
/// contacts <see cref="DeferAsync"/> marked, once the imports pause (<see cref="MetricsOptions.PendingStatisticsQuietPeriod"/>)
/// or at least every <see cref="MetricsOptions.PendingStatisticsMaxDelay"/>. An import spreads a contact's history over many
/// <c>OrdersImported</c> messages; recomputing the contact from all its orders per message made segmentation's work grow
/// with the square of that history, and 500 contacts per message read most of the orders table each time (ADR 0029).
/// An import of contacts, counted per message of 1,000 contacts, took half of the two cores beside the import itself
/// (ADR 0031). Here a round reads the orders about once per 20,000 contacts, and only for contacts that have orders.
/// Pauses are seen per replica: another replica's import only makes this one count more often, never less.
/// </summary>
public sealed class PendingStatisticsRefresher(IServiceScopeFactory scopes, IOptions<MetricsOptions> options, TimeProvider clock, ILogger<PendingStatisticsRefresher> logger)
    : BackgroundService
{
    private const int ContactsPerRound = 20_000;

    /// <summary>
    /// Marks contacts whose imported orders or attributes were just stored, in the consumer's transaction and under its contact locks
    /// (<see cref="ContactChangeProcessor.LockAsync"/>): a round that has already read their orders holds those locks
    /// until it commits and removes its marks, so a mark written behind it is never removed unread.
    /// Contacts already marked are skipped before inserting: during an import nearly all are, and consumers holding
    /// shared locks would otherwise wait on each other's uncommitted marks (taken in id order, so never in a cycle).
    /// A mark seen committed is still unread: a round that claimed it takes the contact's lock exclusively before it
    /// reads, so it waits for this transaction and reads its orders.
    /// </summary>
    public static Task DeferAsync(SegmentationDbContext db, IReadOnlyCollection<Guid> contactIds, CancellationToken ct) => db.ExecuteAsync("""
        INSERT INTO pending_statistics (contact_id, since)
        SELECT id, now() FROM unnest(@ids) AS id
        WHERE NOT EXISTS (SELECT 1 FROM pending_statistics p WHERE p.contact_id = id)
        ORDER BY id
        ON CONFLICT (contact_id) DO NOTHING
        """, [new NpgsqlParameter("ids", contactIds.Distinct().ToArray())], ct);

    private long _lastArrivalTicks;

    // The first arrival since the last round began (0: none): a long import is counted every MaxDelay from its start,
    // not every MaxDelay from whenever the service last counted (which, after a quiet hour, was at once).
    private long _firstArrivalTicks;

    /// <summary>An <c>OrdersImported</c> or <c>ContactsImported</c> arrived: an import is still running, so counting waits for its pause.</summary>
    public void NoteArrival()
    {
        var now = clock.GetUtcNow().UtcTicks;
        Interlocked.CompareExchange(ref _firstArrivalTicks, now, 0);
        Interlocked.Exchange(ref _lastArrivalTicks, now);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            var now = clock.GetUtcNow().UtcTicks;
            var sinceArrival = TimeSpan.FromTicks(now - Interlocked.Read(ref _lastArrivalTicks));
            var firstArrival = Interlocked.Read(ref _firstArrivalTicks);
            var importRunningLong = firstArrival != 0 && TimeSpan.FromTicks(now - firstArrival) >= options.Value.PendingStatisticsMaxDelay;
            if (sinceArrival < options.Value.PendingStatisticsQuietPeriod && !importRunningLong)
            {
                continue;
            }
            // Arrivals from here on are counted by the next round, and start its clock.
            Interlocked.Exchange(ref _firstArrivalTicks, 0);
            try
            {
                var rounds = 0;
                while (await RefreshRoundAsync(stoppingToken) == ContactsPerRound)
                {
                    if (++rounds == 1)
                    {
                        await AnalyzeOutboxAsync(stoppingToken);
                    }
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The type only: a database error can quote the values of the row it failed on.
                logger.LogWarning("Counting imported contacts and orders failed ({ExceptionType}); the contacts stay pending for the next round", ex.GetType().Name);
            }
        }
    }

    /// <summary>
    /// A large count writes a stage event per new contact, tens of thousands of outbox rows a round into a table the
    /// statistics still show as nearly empty. Until autovacuum analyses it (up to a minute later) the dispatcher's claim
    /// (<c>ORDER BY created_at LIMIT … FOR UPDATE SKIP LOCKED</c>) was planned as a scan and a full sort of every pending
    /// row with its body, spilled to disk: ~600 events a second instead of ~3,600 for the first 40–50 s after an import.
    /// Analysing once, after the first full round, makes it read the pending index instead.
    /// </summary>
    private async Task AnalyzeOutboxAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<SegmentationDbContext>().ExecuteAsync("ANALYZE outbox_messages", [], ct);
    }

    /// <summary>Recomputes up to <see cref="ContactsPerRound"/> pending contacts in one transaction; returns how many.</summary>
    public async Task<int> RefreshRoundAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SegmentationDbContext>();
        var processor = scope.ServiceProvider.GetRequiredService<ContactChangeProcessor>();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // SKIP LOCKED: replicas take different contacts. A consumer marking one of these meanwhile finds its row and
        // writes nothing (DO NOTHING does not wait for a row lock); its orders are read after our contact locks below.
        var ids = await db.QueryAsync("SELECT contact_id FROM pending_statistics ORDER BY contact_id LIMIT @n FOR UPDATE SKIP LOCKED",
            [new NpgsqlParameter("n", ContactsPerRound)], r => r.GetGuid(0), ct);
        if (ids.Count == 0)
        {
            return 0;
        }
        await processor.LockAsync(ids, ct);
        // Thousands of contacts' orders are one sequential read: sorts in memory, and no JIT compilation (it cost the
        // per-message statements more than it saved), both for this transaction only.
        await db.ExecuteAsync("SET LOCAL work_mem = '64MB'; SET LOCAL jit = off", [], ct);
        // Statistics only for contacts with orders: an imported contact without any (most of a customer list) has the
        // zero statistics it was stored with, and every live change of orders recomputes its contact at once.
        var buyers = await db.QueryAsync("SELECT id FROM unnest(@ids) AS id WHERE EXISTS (SELECT 1 FROM orders o WHERE o.contact_id = id)",
            [new NpgsqlParameter("ids", ids.ToArray())], r => r.GetGuid(0), ct);
        if (buyers.Count > 0)
        {
            await PurchaseStatsSql.RecomputeAsync(db, ContactScope.Ids(buyers), ct);
        }
        await processor.RefreshAsync(ids, ordersChanged: false, ct);
        await db.ExecuteAsync("DELETE FROM pending_statistics WHERE contact_id = ANY(@ids)", [new NpgsqlParameter("ids", ids.ToArray())], ct);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return ids.Count;
    }
}
