using CustomerBase.Contacts.Contracts;
using CustomerBase.Messaging;
using CustomerBase.Segmentation.Infrastructure;
using MassTransit;

namespace CustomerBase.Segmentation.IntegrationEvents;

/// <summary>Keeps the read model's copy of a contact's attributes current.</summary>
public sealed class ContactUpdatedConsumer(SegmentationDbContext db, ILogger<ContactUpdatedConsumer> logger)
    : InboxConsumer<SegmentationDbContext, ContactUpdated>(db, logger)
{
    protected override Task HandleAsync(ContactUpdated message, ConsumeContext<ContactUpdated> context) =>
        Db.ApplyContactUpdatedAsync(message.ContactId, message.Contact.FirstName, message.Contact.LastName, context.CancellationToken);
}

/// <summary>Removes a deleted contact, so no audience includes it any more.</summary>
public sealed class ContactDeletedConsumer(SegmentationDbContext db, ILogger<ContactDeletedConsumer> logger)
    : InboxConsumer<SegmentationDbContext, ContactDeleted>(db, logger)
{
    protected override Task HandleAsync(ContactDeleted message, ConsumeContext<ContactDeleted> context) =>
        Db.ApplyContactDeletedAsync(message.ContactId, context.CancellationToken);
}

/// <summary>Moves merged contacts' statistics to the survivor.</summary>
public sealed class ContactMergedConsumer(SegmentationDbContext db, ILogger<ContactMergedConsumer> logger)
    : InboxConsumer<SegmentationDbContext, ContactMerged>(db, logger)
{
    protected override Task HandleAsync(ContactMerged message, ConsumeContext<ContactMerged> context) =>
        Db.ApplyContactMergedAsync(message.SurvivorId, [.. message.MergedIds], context.CancellationToken);
}
