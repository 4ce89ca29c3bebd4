using CustomerBase.Campaigns.Infrastructure;
using CustomerBase.Segmentation.Contracts.Grpc;
using System.Threading.Channels;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CustomerBase.Campaigns.Model;

/// <summary>
/// Resolves launched runs: streams the audience from segmentation (a saved segment or a static list) in batches of
/// 1000 and records each batch's messages (<see cref="RecipientRecorder"/>), each batch in its own transaction. A run
/// is held by one replica at a time through a lease renewed per batch; a replica that stops (or crashes) leaves the
/// run to be resolved again from the start, and the rows already recorded make that second pass insert nothing twice.
/// </summary>
public sealed class CampaignLauncher(
    IServiceScopeFactory scopes,
    IOptions<CampaignsOptions> options,
    TimeProvider time,
    ILogger<CampaignLauncher> logger) : BackgroundService
{
    private volatile object? _resolving; // the boxed id of the run this replica holds

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            Guid? runId = null;
            try
            {
                runId = await ClaimRunAsync(stoppingToken);
                if (runId is { } id)
                {
                    _resolving = id;
                    await ResolveAsync(id, stoppingToken);
                    _resolving = null;
                    continue;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                logger.LogWarning("Resolving run {RunId} failed: {ExceptionType}", runId, ex.GetType().Name);
                if (runId is { } failed)
                {
                    await RecordFailureAsync(failed, ex, stoppingToken);
                }
            }
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500), time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    private async Task<Guid?> ClaimRunAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CampaignsDbContext>();
        var now = time.GetUtcNow();
        var ids = await db.Database.SqlQuery<Guid>($"""
            UPDATE campaign_runs SET lease_until = {now + options.Value.RunLease}, attempts = attempts + 1
            WHERE id = (SELECT id FROM campaign_runs WHERE status = {RunStatus.Resolving} AND (lease_until IS NULL OR lease_until < {now})
                        ORDER BY started_at LIMIT 1 FOR UPDATE SKIP LOCKED)
            RETURNING id AS "Value"
            """).ToListAsync(ct);
        return ids.Count == 0 ? null : ids[0];
    }

    private async Task ResolveAsync(Guid runId, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var db = services.GetRequiredService<CampaignsDbContext>();
        var recorder = services.GetRequiredService<RecipientRecorder>();
        var audience = services.GetRequiredService<Audience.AudienceClient>();

        var run = await db.Runs.SingleAsync(r => r.Id == runId, ct);
        var campaign = await db.Campaigns.AsNoTracking().SingleAsync(c => c.Id == run.CampaignId, ct);
        if (campaign.Status == CampaignStatus.Cancelled)
        {
            run.Status = RunStatus.Completed;
            run.CompletedAt = time.GetUtcNow();
            await db.SaveChangesAsync(ct);
            return;
        }
        var compiled = CompiledCampaign.Compile(campaign);
        var notBefore = run.StartedAt;
        var (recorded, excluded) = (0, 0);

        // While one batch is rendered and recorded, the next one's cards and consent are fetched (two batches at most in memory).
        var prepared = Channel.CreateBounded<RecipientRecorder.PreparedBatch>(1);
        using var stopFetching = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var fetching = Task.Run(async () =>
        {
            try
            {
                using var stream = audience.Resolve(AudienceRequest(campaign), cancellationToken: stopFetching.Token);
                await foreach (var batch in stream.ResponseStream.ReadAllAsync(stopFetching.Token))
                {
                    var ids = batch.ContactIds.Select(Guid.Parse).ToList();
                    await prepared.Writer.WriteAsync(await recorder.PrepareAsync(campaign, ids, stopFetching.Token), stopFetching.Token);
                }
                prepared.Writer.Complete();
            }
            catch (Exception ex)
            {
                prepared.Writer.Complete(ex);
            }
        }, ct);
        try
        {
            await RecordBatchesAsync();
        }
        finally
        {
            await stopFetching.CancelAsync();
            await fetching;
        }
        if (run.Status != RunStatus.Resolving)
        {
            return;
        }

        run.Status = RunStatus.Releasing;
        run.ResolvedAt = time.GetUtcNow();
        run.LeaseUntil = null;
        await db.SaveChangesAsync(ct);
        logger.LogInformation("Run {RunId} of campaign {CampaignId} resolved: {Recorded} messages recorded, {Excluded} of them excluded",
            runId, campaign.Id, recorded, excluded);

        async Task RecordBatchesAsync()
        {
            await foreach (var batch in prepared.Reader.ReadAllAsync(ct))
            {
                await using var transaction = await db.Database.BeginTransactionAsync(ct);
                var counts = await recorder.RecordAsync(db, campaign, compiled, run.Occurrence, batch, notBefore, ct);
                // Renewing the lease in the batch's transaction: a replica that lost its lease cannot commit a batch unnoticed.
                var renewed = await db.Database.ExecuteSqlInterpolatedAsync(
                    $"UPDATE campaign_runs SET lease_until = {time.GetUtcNow() + options.Value.RunLease} WHERE id = {runId} AND status = {RunStatus.Resolving}", ct);
                if (renewed == 0)
                {
                    run.Status = RunStatus.Completed; // cancelled meanwhile: in memory only, so the caller stops here
                    return;
                }
                await transaction.CommitAsync(ct);
                (recorded, excluded) = (recorded + counts.Recorded, excluded + counts.Excluded);
            }
        }
    }

    public static ResolveAudienceRequest AudienceRequest(Campaign campaign)
    {
        var request = new ResolveAudienceRequest { BatchSize = RecipientRecorder.MaxBatch };
        if (campaign.SegmentId is { } segment)
        {
            request.SegmentId = segment.ToString();
        }
        else if (campaign.AllContacts)
        {
            request.All = new AllContacts();
        }
        else
        {
            request.ContactIds = new ContactIdList();
            request.ContactIds.Ids.AddRange((campaign.ContactIds ?? []).Select(id => id.ToString()));
        }
        return request;
    }

    private async Task RecordFailureAsync(Guid runId, Exception ex, CancellationToken ct)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<CampaignsDbContext>();
            // The lease runs out and the run is tried again; after 5 attempts it stays failed for a person to look at.
            await db.Database.ExecuteSqlInterpolatedAsync($"""
                UPDATE campaign_runs SET last_error = {ex.GetType().Name}, lease_until = {time.GetUtcNow() + TimeSpan.FromSeconds(5)},
                    status = CASE WHEN attempts >= 5 THEN {RunStatus.Failed} ELSE status END
                WHERE id = {runId}
                """, ct);
        }
        catch (Exception inner) when (!ct.IsCancellationRequested)
        {
            logger.LogWarning("Recording the failure of run {RunId} failed: {ExceptionType}", runId, inner.GetType().Name);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (_resolving is not Guid runId)
        {
            return;
        }
        // A clean stop gives the run back at once rather than when its lease expires.
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<CampaignsDbContext>();
            await db.Database.ExecuteSqlInterpolatedAsync(
                $"UPDATE campaign_runs SET lease_until = NULL, attempts = GREATEST(attempts - 1, 0) WHERE id = {runId} AND status = {RunStatus.Resolving}",
                cancellationToken);
        }
        catch (Exception ex)
        {
            logger.LogDebug("Giving back runs on stop failed: {ExceptionType}", ex.GetType().Name);
        }
    }
}
