using CustomerBase.Segmentation.Infrastructure;
using CustomerBase.Segmentation.Model;
using Microsoft.EntityFrameworkCore;

namespace CustomerBase.Segmentation.Metrics;

/// <summary>
/// Runs queued rebuild jobs one at a time: claims one with FOR UPDATE SKIP LOCKED (so replicas never take the same),
/// runs <see cref="ReadModelRecomputer"/> with statistics, and records progress and the outcome on the job.
/// </summary>
public sealed class RebuildRunner(IServiceScopeFactory scopes, ReadModelRecomputer recomputer, TimeProvider clock, ILogger<RebuildRunner> logger) : BackgroundService
{
    private readonly SemaphoreSlim _wake = new(0, 1);

    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(2);

    public void Wake()
    {
        if (_wake.CurrentCount == 0)
        {
            try { _wake.Release(); } catch (SemaphoreFullException) { }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await ClaimAsync(stoppingToken) is { } jobId)
                {
                    await RunAsync(jobId, stoppingToken);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Looking for rebuild jobs failed");
            }
            await _wake.WaitAsync(PollInterval, stoppingToken);
        }
    }

    private async Task<Guid?> ClaimAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SegmentationDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var job = await db.RebuildJobs.FromSqlRaw("SELECT * FROM rebuild_jobs WHERE status = 'queued' ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED")
            .FirstOrDefaultAsync(ct);
        if (job is null)
        {
            return null;
        }
        job.Status = "running";
        job.StartedAt = clock.GetUtcNow();
        job.Contacts = await db.ContactProfiles.LongCountAsync(ct);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return job.Id;
    }

    private async Task RunAsync(Guid jobId, CancellationToken ct)
    {
        string status = "completed";
        string? error = null;
        try
        {
            await recomputer.RunAsync(statistics: true, (step, done, total) => UpdateAsync(jobId, step, done, total, ct), ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Rebuild {JobId} failed", jobId);
            (status, error) = ("failed", ex.GetType().Name);
        }
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SegmentationDbContext>();
        var now = clock.GetUtcNow();
        await db.RebuildJobs.Where(j => j.Id == jobId).ExecuteUpdateAsync(j => j
            .SetProperty(x => x.Status, status).SetProperty(x => x.Error, error).SetProperty(x => x.FinishedAt, now), CancellationToken.None);
    }

    private async Task UpdateAsync(Guid jobId, string step, int done, int total, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SegmentationDbContext>();
        await db.RebuildJobs.Where(j => j.Id == jobId).ExecuteUpdateAsync(j => j
            .SetProperty(x => x.Step, step).SetProperty(x => x.StepsDone, done).SetProperty(x => x.StepsTotal, total), ct);
    }
}
