using CustomerBase.Contacts.Contracts;
using CustomerBase.Interactions.Infrastructure;
using CustomerBase.Interactions.Model;
using CustomerBase.Messaging;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace CustomerBase.Interactions.IntegrationEvents;

/// <summary>Re-points the merged contacts' timeline and tasks to the survivor, whose purchase statistics then cover both histories.</summary>
public sealed class ContactMergedConsumer(InteractionsDbContext db, ILogger<ContactMergedConsumer> logger)
    : InboxConsumer<InteractionsDbContext, ContactMerged>(db, logger)
{
    protected override async Task HandleAsync(ContactMerged message, ConsumeContext<ContactMerged> context)
    {
        var ct = context.CancellationToken;
        var merged = message.MergedIds.Where(id => id != message.SurvivorId).ToList();
        ContactChecker.Forget(merged);
        await Db.Interactions.Where(i => merged.Contains(i.ContactId)).ExecuteUpdateAsync(s => s.SetProperty(i => i.ContactId, message.SurvivorId), ct);
        await Db.Tasks.Where(t => merged.Contains(t.ContactId!.Value)).ExecuteUpdateAsync(s => s.SetProperty(t => t.ContactId, message.SurvivorId), ct);
        await Db.RefreshAsync([message.SurvivorId, .. merged], ct);
    }
}

/// <summary>
/// A deleted contact's timeline (personal data: what was said, bought, complained about) is deleted with it; tasks
/// about it stay with their assignee but lose the link.
/// </summary>
public sealed class ContactDeletedConsumer(InteractionsDbContext db, ILogger<ContactDeletedConsumer> logger)
    : InboxConsumer<InteractionsDbContext, ContactDeleted>(db, logger)
{
    protected override async Task HandleAsync(ContactDeleted message, ConsumeContext<ContactDeleted> context)
    {
        ContactChecker.Forget([message.ContactId]);
        await Db.ForgetContactAsync(message.ContactId, context.CancellationToken);
    }
}

public static class ContactForgetting
{
    /// <summary>
    /// Deletes a contact's timeline and purchase statistics and unlinks tasks about them (for a deleted contact and for
    /// an erasure alike); returns how many interactions were deleted.
    /// </summary>
    public static async Task<int> ForgetContactAsync(this InteractionsDbContext db, Guid contactId, CancellationToken ct)
    {
        // The statistics' lock first: an ingest merging this contact's row meanwhile would otherwise write it back
        // after it was deleted (it read the row before).
        await db.LockStatisticsAsync([contactId], ct);
        var interactions = await db.Interactions.Where(i => i.ContactId == contactId).ExecuteDeleteAsync(ct);
        await db.Tasks.Where(t => t.ContactId == contactId).ExecuteUpdateAsync(s => s.SetProperty(t => t.ContactId, (Guid?)null), ct);
        await db.PurchaseStats.Where(s => s.ContactId == contactId).ExecuteDeleteAsync(ct);
        await db.UnmergedPurchases.Where(m => m.ContactId == contactId).ExecuteDeleteAsync(ct);
        return interactions;
    }
}
