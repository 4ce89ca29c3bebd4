using CustomerBase.Campaigns.Infrastructure;
using CustomerBase.Campaigns.Model;
using CustomerBase.ServiceDefaults;
using CustomerBase.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace CustomerBase.Campaigns.Apis;

/// <summary>draft → scheduled → running → completed, with pause, resume and cancel.</summary>
public static class CampaignLifecycleApi
{
    public static IEndpointRouteBuilder MapCampaignLifecycleApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/campaigns/{id:guid}").RequireAuthorization(Permissions.CampaignsWrite);
        api.MapPost("/launch", LaunchCampaign).WithName(nameof(LaunchCampaign));
        api.MapPost("/pause", PauseCampaign).WithName(nameof(PauseCampaign));
        api.MapPost("/resume", ResumeCampaign).WithName(nameof(ResumeCampaign));
        api.MapPost("/cancel", CancelCampaign).WithName(nameof(CancelCampaign));
        return app;
    }

    /// <summary>Now: the scheduler starts it within a second. At / cron: at its moment. Trigger: it starts listening.</summary>
    public static async Task<Results<Ok<CampaignResponse>, NotFound, ValidationProblem>> LaunchCampaign(
        Guid id, CampaignsDbContext db, TimeProvider time, CancellationToken ct)
    {
        var campaign = await db.Campaigns.SingleOrDefaultAsync(c => c.Id == id, ct);
        if (campaign is null)
        {
            return TypedResults.NotFound();
        }
        var now = time.GetUtcNow();
        var errors = CampaignValidator.ValidateLaunch(campaign, now);
        if (!errors.IsEmpty)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }
        (campaign.Status, campaign.NextRunAt) = campaign.Schedule.Kind switch
        {
            ScheduleKinds.Now => (CampaignStatus.Scheduled, now),
            ScheduleKinds.At => (CampaignStatus.Scheduled, campaign.Schedule.At),
            ScheduleKinds.Cron => (CampaignStatus.Scheduled, CampaignScheduler.NextCronRun(campaign.Schedule, now)),
            _ => (CampaignStatus.Running, (DateTimeOffset?)null),
        };
        campaign.UpdatedAt = now;
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(CampaignResponse.From(campaign));
    }

    /// <summary>Nothing more is released while paused; recorded messages wait (and may expire).</summary>
    public static Task<Results<Ok<CampaignResponse>, NotFound, ValidationProblem>> PauseCampaign(Guid id, CampaignsDbContext db, TimeProvider time, CancellationToken ct) =>
        TransitionAsync(id, db, time, [CampaignStatus.Running, CampaignStatus.Scheduled], CampaignStatus.Paused, ct);

    public static Task<Results<Ok<CampaignResponse>, NotFound, ValidationProblem>> ResumeCampaign(Guid id, CampaignsDbContext db, TimeProvider time, CancellationToken ct) =>
        TransitionAsync(id, db, time, [CampaignStatus.Paused], CampaignStatus.Running, ct);

    /// <summary>Stops for good: messages not yet released are cancelled; what tooling already has is not recalled.</summary>
    public static async Task<Results<Ok<CampaignResponse>, NotFound, ValidationProblem>> CancelCampaign(Guid id, CampaignsDbContext db, TimeProvider time, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var result = await TransitionAsync(id, db, time, [CampaignStatus.Draft, CampaignStatus.Scheduled, CampaignStatus.Running, CampaignStatus.Paused], CampaignStatus.Cancelled, ct);
        if (result.Result is Ok<CampaignResponse>)
        {
            await db.Messages.Where(m => m.CampaignId == id && m.Status == MessageStatus.Pending)
                .ExecuteUpdateAsync(m => m.SetProperty(x => x.Status, MessageStatus.Cancelled), ct);
            await db.Runs.Where(r => r.CampaignId == id && (r.Status == RunStatus.Resolving || r.Status == RunStatus.Releasing))
                .ExecuteUpdateAsync(r => r.SetProperty(x => x.Status, RunStatus.Completed).SetProperty(x => x.CompletedAt, time.GetUtcNow()), ct);
        }
        await transaction.CommitAsync(ct);
        return result;
    }

    private static async Task<Results<Ok<CampaignResponse>, NotFound, ValidationProblem>> TransitionAsync(
        Guid id, CampaignsDbContext db, TimeProvider time, string[] from, string to, CancellationToken ct)
    {
        var campaign = await db.Campaigns.SingleOrDefaultAsync(c => c.Id == id, ct);
        if (campaign is null)
        {
            return TypedResults.NotFound();
        }
        if (!from.Contains(campaign.Status))
        {
            return TypedResults.ValidationProblem(new ValidationErrors()
                .Add("status", $"A {campaign.Status} campaign cannot become {to}; it must be {string.Join(" or ", from)}.").ToDictionary());
        }
        // Resuming a campaign paused before its moment puts it back on the schedule; otherwise it runs.
        campaign.Status = to == CampaignStatus.Running && campaign.NextRunAt is not null ? CampaignStatus.Scheduled : to;
        campaign.UpdatedAt = time.GetUtcNow();
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(CampaignResponse.From(campaign));
    }
}
