using CustomerBase.Campaigns.Infrastructure;
using CustomerBase.Interactions.Contracts;
using Microsoft.EntityFrameworkCore;

namespace CustomerBase.Campaigns.Model;

/// <summary>
/// Records the message of each running trigger campaign an event concerns, for one contact. The occurrence names
/// the event (<c>visit-{id}</c>, <c>entered-{segment}-{moment}</c>, <c>task-{id}-{due}</c>), so a redelivered or
/// repeated event finds the message already recorded.
/// </summary>
public sealed class TriggerRecorder(RecipientRecorder recorder)
{
    public async Task FollowUpAsync(CampaignsDbContext db, string kind, Guid interactionId, Guid contactId, DateTimeOffset at, CancellationToken ct)
    {
        foreach (var campaign in await RunningAsync(db, TriggerKinds.FollowUp, ct))
        {
            if (campaign.Trigger!.InteractionKind == kind && InStaticAudience(campaign, contactId))
            {
                await RecordAsync(db, campaign, $"{kind}-{interactionId:N}", contactId, at.AddDays(campaign.Trigger.DaysAfter), ct);
            }
        }
    }

    public async Task SegmentEnteredAsync(CampaignsDbContext db, Guid segmentId, Guid contactId, DateTimeOffset at, CancellationToken ct)
    {
        foreach (var campaign in await RunningAsync(db, TriggerKinds.SegmentEntered, ct))
        {
            if (campaign.Trigger!.SegmentId == segmentId)
            {
                await RecordAsync(db, campaign, $"entered-{segmentId:N}-{at.ToUnixTimeMilliseconds()}", contactId, at, ct);
            }
        }
    }

    public async Task TaskDueAsync(CampaignsDbContext db, TaskDue task, Guid contactId, CancellationToken ct)
    {
        foreach (var campaign in await RunningAsync(db, TriggerKinds.TaskDue, ct))
        {
            if ((campaign.Trigger!.TaskKind is null || campaign.Trigger.TaskKind == task.Kind) && InStaticAudience(campaign, contactId))
            {
                await RecordAsync(db, campaign, $"task-{task.TaskId:N}-{task.DueAt.ToUnixTimeMilliseconds()}", contactId, task.DueAt, ct);
            }
        }
    }

    public Task RecordAsync(CampaignsDbContext db, Campaign campaign, string occurrence, Guid contactId, DateTimeOffset notBefore, CancellationToken ct) =>
        recorder.RecordAsync(db, campaign, CompiledCampaign.Compile(campaign), occurrence, [contactId], notBefore, ct);

    public static async Task<List<Campaign>> RunningAsync(CampaignsDbContext db, string triggerKind, CancellationToken ct) =>
        (await db.Campaigns.AsNoTracking().Where(c => c.Status == CampaignStatus.Running && c.Trigger != null).ToListAsync(ct))
            .Where(c => c.Trigger!.Kind == triggerKind).ToList();

    /// <summary>A static list limits who a trigger reaches; a segment audience does too once segmentation answers membership (see docs/campaigns.md).</summary>
    private static bool InStaticAudience(Campaign campaign, Guid contactId) =>
        campaign.SegmentId is not null || campaign.AllContacts || campaign.ContactIds is null || campaign.ContactIds.Count == 0 || campaign.ContactIds.Contains(contactId);
}
