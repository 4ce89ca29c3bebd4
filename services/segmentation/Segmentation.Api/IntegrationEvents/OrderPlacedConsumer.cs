using CustomerBase.Interactions.Contracts;
using CustomerBase.Messaging;
using CustomerBase.Segmentation.Infrastructure;
using CustomerBase.Segmentation.Model;
using MassTransit;

namespace CustomerBase.Segmentation.IntegrationEvents;

/// <summary>Adds an order to its contact's purchase statistics.</summary>
public sealed class OrderPlacedConsumer(SegmentationDbContext db, ILogger<OrderPlacedConsumer> logger)
    : InboxConsumer<SegmentationDbContext, OrderPlaced>(db, logger)
{
    protected override async Task HandleAsync(OrderPlaced message, ConsumeContext<OrderPlaced> context)
    {
        var profile = await Db.ContactProfiles.FindAsync([message.ContactId], context.CancellationToken);
        if (profile is null)
        {
            profile = new ContactProfile { ContactId = message.ContactId };
            Db.ContactProfiles.Add(profile);
        }
        profile.ApplyOrder(message.Total, message.OrderedAt);
        profile.UpdatedAt = DateTimeOffset.UtcNow;
    }
}
