using CustomerBase.Campaigns.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CustomerBase.Campaigns.Model;

/// <summary>
/// Per campaign, counted from its messages: targeted, excluded by reason, deferred by reason (at least once), waiting,
/// released to tooling, and each outcome tooling reported.
/// </summary>
public sealed record CampaignStatistics(
    int Targeted, int Excluded, IReadOnlyDictionary<string, int> ExcludedByReason, int Deferred, IReadOnlyDictionary<string, int> DeferredByReason,
    int Pending, int Released, int Sent, int Delivered, int Opened, int Clicked, int Bounced, int Failed, int Unsubscribed, int Expired, int Cancelled)
{
    public static async Task<CampaignStatistics> ForAsync(CampaignsDbContext db, Guid campaignId, CancellationToken ct)
    {
        var messages = db.Messages.Where(m => m.CampaignId == campaignId);
        var totals = await messages.GroupBy(_ => 1).Select(g => new
        {
            Targeted = g.Count(),
            Excluded = g.Count(m => m.Status == MessageStatus.Excluded),
            Pending = g.Count(m => m.Status == MessageStatus.Pending),
            Released = g.Count(m => m.ReleasedAt != null),
            Sent = g.Count(m => m.SentAt != null),
            Delivered = g.Count(m => m.DeliveredAt != null || m.OpenedAt != null || m.ClickedAt != null),
            Opened = g.Count(m => m.OpenedAt != null || m.ClickedAt != null),
            Clicked = g.Count(m => m.ClickedAt != null),
            Bounced = g.Count(m => m.BouncedAt != null),
            Failed = g.Count(m => m.FailedAt != null),
            Unsubscribed = g.Count(m => m.UnsubscribedAt != null),
            Expired = g.Count(m => m.Status == MessageStatus.Expired),
            Cancelled = g.Count(m => m.Status == MessageStatus.Cancelled),
            Deferred = g.Count(m => m.DeferredReason != null),
        }).SingleOrDefaultAsync(ct);
        var excluded = await messages.Where(m => m.ExcludedReason != null).GroupBy(m => m.ExcludedReason!)
            .Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);
        var deferred = await messages.Where(m => m.DeferredReason != null).GroupBy(m => m.DeferredReason!)
            .Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);
        return totals is null
            ? new CampaignStatistics(0, 0, excluded, 0, deferred, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
            : new CampaignStatistics(totals.Targeted, totals.Excluded, excluded, totals.Deferred, deferred, totals.Pending, totals.Released,
                totals.Sent, totals.Delivered, totals.Opened, totals.Clicked, totals.Bounced, totals.Failed, totals.Unsubscribed, totals.Expired, totals.Cancelled);
    }
}
