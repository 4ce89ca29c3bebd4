using Cronos;
using CustomerBase.Campaigns.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CustomerBase.Campaigns.Model;

/// <summary>
/// Every second: starts the runs of campaigns that are due (one run per occurrence, whatever replicas race), and
/// completes runs whose messages have all been dealt with, and one-off campaigns whose only run completed.
/// </summary>
public sealed class CampaignScheduler(IServiceScopeFactory scopes, TimeProvider time, ILogger<CampaignScheduler> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<CampaignsDbContext>();
                await StartDueRunsAsync(db, stoppingToken);
                await CompleteFinishedRunsAsync(db, stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning("Campaign scheduling failed: {ExceptionType}", ex.GetType().Name);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).AsCancellable());
    }

    private async Task StartDueRunsAsync(CampaignsDbContext db, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var due = await db.Campaigns
            .Where(c => (c.Status == CampaignStatus.Scheduled || c.Status == CampaignStatus.Running) && c.NextRunAt != null && c.NextRunAt <= now)
            .Take(50).ToListAsync(ct);
        foreach (var campaign in due)
        {
            var occurrence = campaign.Schedule.Kind == ScheduleKinds.Cron ? campaign.NextRunAt!.Value.UtcDateTime.ToString("yyyy-MM-ddTHH:mmZ") : RunOccurrences.Once;
            await db.Database.ExecuteSqlInterpolatedAsync(
                $"INSERT INTO campaign_runs (id, campaign_id, occurrence, status, started_at, attempts) VALUES ({Guid.CreateVersion7()}, {campaign.Id}, {occurrence}, {RunStatus.Resolving}, {now}, 0) ON CONFLICT (campaign_id, occurrence) DO NOTHING",
                ct);
            campaign.Status = CampaignStatus.Running;
            campaign.NextRunAt = campaign.Schedule.Kind == ScheduleKinds.Cron ? NextCronRun(campaign.Schedule, now) : null;
            campaign.UpdatedAt = now;
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateConcurrencyException)
            {
                // Another replica or a user (pause, cancel) changed it meanwhile: its next tick sees the new state.
                db.ChangeTracker.Clear();
            }
        }
    }

    private async Task CompleteFinishedRunsAsync(CampaignsDbContext db, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        // A run is finished once nothing of it waits to be released (released messages await receipts, not us).
        await db.Database.ExecuteSqlInterpolatedAsync($"""
            UPDATE campaign_runs r SET status = {RunStatus.Completed}, completed_at = {now}
            WHERE r.status = {RunStatus.Releasing}
              AND NOT EXISTS (SELECT 1 FROM campaign_messages m WHERE m.campaign_id = r.campaign_id AND m.occurrence = r.occurrence AND m.status = {MessageStatus.Pending})
            """, ct);
        await db.Database.ExecuteSqlInterpolatedAsync($"""
            UPDATE campaigns c SET status = {CampaignStatus.Completed}, updated_at = {now}
            WHERE c.status = {CampaignStatus.Running} AND c.schedule ->> 'Kind' IN ({ScheduleKinds.Now}, {ScheduleKinds.At})
              AND EXISTS (SELECT 1 FROM campaign_runs r WHERE r.campaign_id = c.id AND r.status = {RunStatus.Completed})
            """, ct);
    }

    public static DateTimeOffset? NextCronRun(CampaignSchedule schedule, DateTimeOffset after) =>
        CronExpression.Parse(schedule.Cron!).GetNextOccurrence(after, SendWindow.FindZone(schedule.TimeZone));
}

public static class RunOccurrences
{
    public const string Once = "once";
}

internal static class ValueTaskExtensions
{
    /// <summary>A timer tick that answers false instead of throwing when the service stops.</summary>
    public static async ValueTask<bool> AsCancellable(this ValueTask<bool> tick)
    {
        try
        {
            return await tick;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
