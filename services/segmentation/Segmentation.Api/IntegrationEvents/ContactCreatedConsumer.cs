using CustomerBase.Contacts.Contracts;
using CustomerBase.Messaging;
using CustomerBase.Segmentation.Infrastructure;
using CustomerBase.Segmentation.Model;
using MassTransit;

namespace CustomerBase.Segmentation.IntegrationEvents;

/// <summary>Adds a new contact to the read model (or completes the entry an earlier order created).</summary>
public sealed class ContactCreatedConsumer(SegmentationDbContext db, ILogger<ContactCreatedConsumer> logger)
    : InboxConsumer<SegmentationDbContext, ContactCreated>(db, logger)
{
    protected override async Task HandleAsync(ContactCreated message, ConsumeContext<ContactCreated> context)
    {
        var profile = await Db.ContactProfiles.FindAsync([message.ContactId], context.CancellationToken);
        if (profile is null)
        {
            profile = new ContactProfile { ContactId = message.ContactId };
            Db.ContactProfiles.Add(profile);
        }
        profile.FirstName = message.FirstName;
        profile.LastName = message.LastName;
        profile.CreatedAt = message.CreatedAt;
        profile.UpdatedAt = DateTimeOffset.UtcNow;
    }
}
