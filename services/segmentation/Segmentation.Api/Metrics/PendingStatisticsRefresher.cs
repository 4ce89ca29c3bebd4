using CustomerBase.Segmentation.Infrastructure;
using CustomerBase.Segmentation.Segments;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CustomerBase.Segmentation.Metrics;

/// <summary>
/// Counts imported orders in their contacts' statistics, metrics and segments, for the contacts <see cref="DeferAsync"/>
/// marked, once the import pauses (<see cref="MetricsOptions.PendingStatisticsQuietPeriod"/>) or at least every
/// <see cref="MetricsOptions.PendingStatisticsMaxDelay"/> (ADR 0029). An import spreads a contact's history over many
/// <c>OrdersImported</c> messages; recomputing the contact from all its orders per message made segmentation's work grow
/// with the square of that history, and 500 contacts per message read most of the orders table each time. Here a
/// round reads it about once per 20,000 contacts. Pauses are seen per replica: another replica's import only makes
/// this one count more often, never less.
/// </summary>
public sealed class PendingStatisticsRefresher(IServiceScopeFactory scopes, IOptions<MetricsOptions> options, TimeProvider clock, ILogger<PendingStatisticsRefresher> logger)
    : BackgroundService
{
    private const int ContactsPerRound = 20_000;

    /// <summary>
    /// Marks contacts whose imported orders were just stored, in the consumer's transaction and under its contact locks
    /// (<see cref="ContactChangeProcessor.LockAsync"/>): a round that has already read their orders holds those locks
    /// until it commits and removes its marks, so a mark written behind it is never removed unread.
    /// </summary>
    public static Task DeferAsync(SegmentationDbContext db, IReadOnlyCollection<Guid> contactIds, CancellationToken ct) => db.ExecuteAsync("""
        INSERT INTO pending_statistics (contact_id, since) SELECT id, now() FROM unnest(@ids) AS id
        ON CONFLICT (contact_id) DO NOTHING
        """, [new NpgsqlParameter("ids", contactIds.Distinct().ToArray())], ct);

    private long _lastArrivalTicks;

    /// <summary>An <c>OrdersImported</c> arrived: the import is still running, so counting waits for its pause.</summary>
    public void NoteArrival() => Interlocked.Exchange(ref _lastArrivalTicks, clock.GetUtcNow().UtcTicks);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var lastRound = clock.GetUtcNow();
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            var now = clock.GetUtcNow();
            var sinceArrival = now - new DateTimeOffset(Interlocked.Read(ref _lastArrivalTicks), TimeSpan.Zero);
            if (sinceArrival < options.Value.PendingStatisticsQuietPeriod && now - lastRound < options.Value.PendingStatisticsMaxDelay)
            {
                continue;
            }
            try
            {
                while (await RefreshRoundAsync(stoppingToken) == ContactsPerRound)
                {
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The type only: a database error can quote the values of the row it failed on.
                logger.LogWarning("Counting imported orders failed ({ExceptionType}); the contacts stay pending for the next round", ex.GetType().Name);
            }
            lastRound = clock.GetUtcNow();
        }
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
        await processor.RefreshAsync(ids, ordersChanged: true, ct);
        await db.ExecuteAsync("DELETE FROM pending_statistics WHERE contact_id = ANY(@ids)", [new NpgsqlParameter("ids", ids.ToArray())], ct);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return ids.Count;
    }
}
