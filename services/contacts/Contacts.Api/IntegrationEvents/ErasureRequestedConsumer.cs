using CustomerBase.Consent.Contracts;
using CustomerBase.Contacts.Infrastructure;
using CustomerBase.Messaging;
using CustomerBase.ServiceDefaults;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace CustomerBase.Contacts.IntegrationEvents;

/// <summary>
/// Erases a person: the card, the events in the outbox that carried their snapshot, and the cached card (a tombstone
/// holding nothing stays), then answers ErasureCompleted. Merge records hold only ids and stay.
/// </summary>
public sealed class ErasureRequestedConsumer(ContactsDbContext db, ContactCache cache, ILogger<ErasureRequestedConsumer> logger)
    : InboxConsumer<ContactsDbContext, ErasureRequested>(db, logger)
{
    protected override bool Concerns(ErasureRequested message) => message.Addresses(ResourceNames.Contacts);

    protected override async Task HandleAsync(ErasureRequested message, ConsumeContext<ErasureRequested> context)
    {
        var ct = context.CancellationToken;
        var contacts = await Db.Contacts.Where(c => c.Id == message.ContactId).ExecuteDeleteAsync(ct);
        var events = await Db.ForgetOutboxMessagesAboutAsync(message.ContactId, ct);
        // Before the commit: a tombstone for a contact whose deletion then fails only costs a cache miss on the retry.
        await cache.ForgetDeletedAsync(message.ContactId);
        Db.AddToOutbox(new ErasureCompleted(message.RequestId, ResourceNames.Contacts, DateTimeOffset.UtcNow,
            $"{contacts} contact deleted, {events} outbox messages deleted"));
    }
}
