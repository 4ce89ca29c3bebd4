using CustomerBase.Contacts.Contracts;
using CustomerBase.Messaging;
using CustomerBase.Segmentation.Infrastructure;
using MassTransit;

namespace CustomerBase.Segmentation.IntegrationEvents;

/// <summary>Brings a batch of imported contacts (up to a thousand) into the read model with one statement.</summary>
public sealed class ContactsImportedConsumer(SegmentationDbContext db, ILogger<ContactsImportedConsumer> logger)
    : InboxConsumer<SegmentationDbContext, ContactsImported>(db, logger)
{
    protected override Task HandleAsync(ContactsImported message, ConsumeContext<ContactsImported> context) =>
        Db.ApplyContactsImportedAsync(message.Contacts, message.ImportedAt, context.CancellationToken);
}
