using CustomerBase.Contacts.Contracts;
using CustomerBase.Messaging;
using CustomerBase.Segmentation.Infrastructure;
using CustomerBase.Segmentation.Metrics;
using CustomerBase.Segmentation.Segments;
using MassTransit;

namespace CustomerBase.Segmentation.IntegrationEvents;

/// <summary>Adds a new contact to the read model (or completes the entry an earlier order created), then its metrics and segments.</summary>
public sealed class ContactCreatedConsumer(SegmentationDbContext db, ContactChangeProcessor processor, ILogger<ContactCreatedConsumer> logger)
    : InboxConsumer<SegmentationDbContext, ContactCreated>(db, logger)
{
    protected override async Task HandleAsync(ContactCreated message, ConsumeContext<ContactCreated> context)
    {
        var ct = context.CancellationToken;
        await processor.LockAsync([message.ContactId], ct);
        await Db.ApplyContactsAsync([new ContactAttributes(message.ContactId, message.Contact, message.CreatedAt, message.CreatedAt)], ct);
        await processor.RefreshAsync([message.ContactId], ordersChanged: false, ct);
    }
}

/// <summary>Keeps the read model's copy of a contact's attributes current, and its segments with them.</summary>
public sealed class ContactUpdatedConsumer(SegmentationDbContext db, ContactChangeProcessor processor, ILogger<ContactUpdatedConsumer> logger)
    : InboxConsumer<SegmentationDbContext, ContactUpdated>(db, logger)
{
    protected override async Task HandleAsync(ContactUpdated message, ConsumeContext<ContactUpdated> context)
    {
        var ct = context.CancellationToken;
        await processor.LockAsync([message.ContactId], ct);
        await Db.ApplyContactsAsync([new ContactAttributes(message.ContactId, message.Contact, message.UpdatedAt, null)], ct);
        await processor.RefreshAsync([message.ContactId], ordersChanged: false, ct);
    }
}

/// <summary>
/// Brings a batch of imported contacts (up to a thousand) into the read model with one statement; their metrics, stage
/// events and segments follow in the next round of <see cref="PendingStatisticsRefresher"/>, once the import pauses
/// (ADR 0031). A contact created by the import takes the import's time as its creation time.
/// </summary>
public sealed class ContactsImportedConsumer(SegmentationDbContext db, ContactChangeProcessor processor, PendingStatisticsRefresher pending, ILogger<ContactsImportedConsumer> logger)
    : InboxConsumer<SegmentationDbContext, ContactsImported>(db, logger)
{
    protected override async Task HandleAsync(ContactsImported message, ConsumeContext<ContactsImported> context)
    {
        var ct = context.CancellationToken;
        pending.NoteArrival();
        var ids = message.Contacts.Select(c => c.ContactId).Distinct().ToList();
        await processor.LockAsync(ids, ct);
        await Db.ApplyContactsAsync([.. message.Contacts
            .GroupBy(c => c.ContactId).Select(g => g.Last())
            .Select(c => new ContactAttributes(c.ContactId, c.Contact, message.ImportedAt, c.Created ? message.ImportedAt : null))], ct);
        await PendingStatisticsRefresher.DeferAsync(Db, ids, ct);
    }
}

/// <summary>Removes a deleted contact, so no audience includes it any more; it leaves every segment (Exited).</summary>
public sealed class ContactDeletedConsumer(SegmentationDbContext db, ContactChangeProcessor processor, ILogger<ContactDeletedConsumer> logger)
    : InboxConsumer<SegmentationDbContext, ContactDeleted>(db, logger)
{
    protected override async Task HandleAsync(ContactDeleted message, ConsumeContext<ContactDeleted> context)
    {
        await processor.LockAsync([message.ContactId], context.CancellationToken);
        await processor.RemoveAsync([message.ContactId], context.CancellationToken);
    }
}

/// <summary>Moves merged contacts' orders to the survivor and recomputes it; the merged contacts leave the read model and their segments.</summary>
public sealed class ContactMergedConsumer(SegmentationDbContext db, ContactChangeProcessor processor, ILogger<ContactMergedConsumer> logger)
    : InboxConsumer<SegmentationDbContext, ContactMerged>(db, logger)
{
    protected override async Task HandleAsync(ContactMerged message, ConsumeContext<ContactMerged> context)
    {
        var ct = context.CancellationToken;
        Guid[] merged = [.. message.MergedIds.Where(id => id != message.SurvivorId)];
        await processor.LockAsync([message.SurvivorId, .. merged], ct);
        await Db.MoveOrdersAsync(message.SurvivorId, merged, ct);
        await processor.RemoveAsync(merged, ct);
        await Db.ApplyContactsAsync([new ContactAttributes(message.SurvivorId, message.Survivor, message.MergedAt, null)], ct);
        await processor.RefreshAsync([message.SurvivorId], ordersChanged: true, ct);
    }
}
