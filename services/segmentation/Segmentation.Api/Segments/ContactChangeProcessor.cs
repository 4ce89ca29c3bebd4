using System.Diagnostics;
using CustomerBase.Messaging;
using CustomerBase.Segmentation.Contracts;
using CustomerBase.Segmentation.Infrastructure;
using CustomerBase.Segmentation.Metrics;
using Microsoft.Extensions.Options;

namespace CustomerBase.Segmentation.Segments;

/// <summary>
/// What follows an event about some contacts, inside the consumer's transaction: their statistics recomputed from
/// their orders, their metrics, their membership of every dynamic segment, and the events each change publishes
/// (written to the outbox, committed with the change).
/// </summary>
public sealed class ContactChangeProcessor(SegmentationDbContext db, SegmentEvaluator segments, IOptions<MetricsOptions> options, OutboxSignal signal, TimeProvider clock)
{
    /// <summary>Call first, before changing the contacts' data: see <see cref="SqlCommands.LockContactsAsync"/>.</summary>
    public Task LockAsync(IReadOnlyCollection<Guid> contactIds, CancellationToken ct) => db.LockContactsAsync(contactIds, ct);

    public async Task RefreshAsync(IReadOnlyCollection<Guid> contactIds, bool ordersChanged, CancellationToken ct)
    {
        if (contactIds.Count == 0)
        {
            return;
        }
        var now = clock.GetUtcNow();
        var scope = ContactScope.Ids(contactIds);
        if (ordersChanged)
        {
            await PurchaseStatsSql.RecomputeAsync(db, scope, ct);
        }
        // The stage events are written by the statement that computes them: an import's batch of a thousand new
        // contacts is a thousand first stages, which as tracked entities (one serialisation and one insert each) cost
        // the consumer more than the rest of its work.
        if (await ContactMetricsSql.RecomputeWithOutboxAsync(db, scope, options.Value, now, ct, Activity.Current?.Id) > 0)
        {
            signal.NotifyAfterCommit(db);
        }
        foreach (var change in await segments.EvaluateContactsAsync(contactIds, now, ct))
        {
            db.AddToOutbox(new SegmentMembershipChanged(change.SegmentId, change.ContactId, change.Change, now));
        }
    }

    /// <summary>Contacts that no longer exist leave the read model and every segment (Exited published for each).</summary>
    public async Task RemoveAsync(Guid[] contactIds, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        foreach (var change in await segments.RemoveContactsAsync(contactIds, ct))
        {
            db.AddToOutbox(new SegmentMembershipChanged(change.SegmentId, change.ContactId, change.Change, now));
        }
        await db.DeleteContactsAsync(contactIds, ct);
    }
}
