using CustomerBase.Contacts.Contracts;
using CustomerBase.Messaging;
using CustomerBase.Segmentation.Infrastructure;
using MassTransit;

namespace CustomerBase.Segmentation.IntegrationEvents;

/// <summary>Adds a new contact to the read model (or completes the entry an earlier order created).</summary>
public sealed class ContactCreatedConsumer(SegmentationDbContext db, ILogger<ContactCreatedConsumer> logger)
    : InboxConsumer<SegmentationDbContext, ContactCreated>(db, logger)
{
    protected override Task HandleAsync(ContactCreated message, ConsumeContext<ContactCreated> context) =>
        Db.ApplyContactCreatedAsync(message.ContactId, message.Contact.FirstName, message.Contact.LastName, message.CreatedAt, context.CancellationToken);
}
