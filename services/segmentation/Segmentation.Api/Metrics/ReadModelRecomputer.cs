using CustomerBase.Messaging;
using CustomerBase.Segmentation.Infrastructure;
using CustomerBase.Segmentation.Model;
using CustomerBase.Segmentation.Segments;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CustomerBase.Segmentation.Metrics;

/// <summary>
/// Recomputes the read model from what it stores, set-based, in steps it reports: purchase statistics from the orders
/// (a rebuild only), the RFM boundaries, every contact's metrics (publishing stage changes), then every dynamic
/// segment (publishing membership changes). Contacts are walked in slices of the uuid space, each its own
/// transaction, several at once, so one step never holds a million rows' locks and progress can be shown: 16 for the
/// metrics, which read each contact's row by key, and 4 for the statistics, each of which reads the whole orders table
/// once (ADR 0022).
/// </summary>
public sealed class ReadModelRecomputer(IServiceScopeFactory scopes, IOptions<MetricsOptions> options, OutboxSignal signal, TimeProvider clock)
{
    public const int Slices = 16;

    /// <summary>Fewer slices for the statistics: each reads every page of the orders table (see <see cref="PurchaseStatsSql.RecomputeSliceAsync"/>).</summary>
    public const int StatisticsSlices = 4;

    public delegate Task Progress(string step, int done, int total);

    public async Task RunAsync(bool statistics, Progress progress, CancellationToken ct)
    {
        List<Segment> segments;
        await using (var scope = scopes.CreateAsyncScope())
        {
            segments = await scope.ServiceProvider.GetRequiredService<SegmentationDbContext>().Segments.AsNoTracking()
                .Where(s => s.Kind == SegmentKinds.Dynamic).OrderBy(s => s.Id).ToListAsync(ct);
        }
        var total = (statistics ? StatisticsSlices : 0) + 1 + Slices + segments.Count;
        var done = 0;
        if (statistics)
        {
            await progress("statistics", done, total);
            // Each slice holds its contacts' locks, so an order consumed meanwhile is counted by one or the other, never lost.
            await ForEachSliceAsync(StatisticsSlices, slice => InTransactionAsync(async (db, _) =>
                {
                    await db.LockSliceAsync(slice, StatisticsSlices, ct);
                    await PurchaseStatsSql.RecomputeSliceAsync(db, ContactScope.Slice(slice, StatisticsSlices), options.Value.RebuildWorkMemMb, ct);
                }, ct),
                () => progress("statistics", Interlocked.Increment(ref done), total), ct);
        }
        var now = clock.GetUtcNow();
        await progress("rfm", done, total);
        await InTransactionAsync((db, _) => ContactMetricsSql.RecomputeRfmBoundariesAsync(db, now, ct), ct);
        done++;
        await progress("metrics", done, total);
        await ForEachSliceAsync(Slices, slice => InTransactionAsync((db, _) => ContactMetricsSql.RecomputeWithOutboxAsync(db, ContactScope.Slice(slice, Slices), options.Value, now, ct), ct),
            () => progress("metrics", Interlocked.Increment(ref done), total), ct);
        foreach (var segment in segments)
        {
            await progress("segments", done, total);
            await InTransactionAsync((_, services) => services.GetRequiredService<SegmentEvaluator>().EvaluateSegmentAsync(segment, now, publish: true, ct), ct);
            done++;
        }
        await progress("done", done, total);
    }

    /// <summary>Slices run side by side, one database connection each (a single statement uses one core).</summary>
    private async Task ForEachSliceAsync(int slices, Func<int, Task> step, Func<Task> stepDone, CancellationToken ct)
    {
        var progressLock = new SemaphoreSlim(1, 1);
        await Parallel.ForEachAsync(Enumerable.Range(0, slices), new ParallelOptions { MaxDegreeOfParallelism = options.Value.RebuildParallelism, CancellationToken = ct },
            async (slice, _) =>
            {
                await step(slice);
                await progressLock.WaitAsync(ct);
                try
                {
                    await stepDone();
                }
                finally
                {
                    progressLock.Release();
                }
            });
    }

    private async Task InTransactionAsync(Func<SegmentationDbContext, IServiceProvider, Task> step, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SegmentationDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await step(db, scope.ServiceProvider);
        await transaction.CommitAsync(ct);
        // Outbox rows written by SQL bypass the change tracker: wake the dispatcher ourselves.
        signal.Notify();
    }
}

/// <summary>
/// Every <see cref="MetricsOptions.RefreshInterval"/>, recomputes every contact's metrics and re-evaluates every
/// dynamic segment: time alone moves a contact (inactive after months without an order, "last_order before 30 days
/// ago", a birthday coming up), and no event says so.
/// </summary>
public sealed class MetricsRefreshScheduler(ReadModelRecomputer recomputer, IOptions<MetricsOptions> options, TimeProvider clock, ILogger<MetricsRefreshScheduler> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RefreshInterval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await recomputer.RunAsync(statistics: false, (_, _, _) => Task.CompletedTask, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "The scheduled metrics refresh failed; retrying at the next round");
            }
        }
    }
}
