using CustomerBase.Consent.Contracts;
using CustomerBase.Messaging;
using CustomerBase.Segmentation.Infrastructure;
using CustomerBase.ServiceDefaults;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace CustomerBase.Segmentation.IntegrationEvents;

/// <summary>Erases a person's entry in the read model (attributes, orders, statistics, memberships), then answers ErasureCompleted.</summary>
public sealed class ErasureRequestedConsumer(SegmentationDbContext db, ILogger<ErasureRequestedConsumer> logger)
    : InboxConsumer<SegmentationDbContext, ErasureRequested>(db, logger)
{
    protected override bool Concerns(ErasureRequested message) => message.Addresses(ResourceNames.Segmentation);

    protected override async Task HandleAsync(ErasureRequested message, ConsumeContext<ErasureRequested> context)
    {
        var ct = context.CancellationToken;
        // Memberships and orders go silently: an Exited event would be one more message about the person.
        await Db.SegmentMembers.Where(m => m.ContactId == message.ContactId).ExecuteDeleteAsync(ct);
        var orders = await Db.Orders.Where(o => o.ContactId == message.ContactId).ExecuteDeleteAsync(ct);
        var profiles = await Db.ContactProfiles.Where(p => p.ContactId == message.ContactId).ExecuteDeleteAsync(ct);
        var events = await Db.ForgetOutboxMessagesAboutAsync(message.ContactId, ct);
        Db.AddToOutbox(new ErasureCompleted(message.RequestId, ResourceNames.Segmentation, DateTimeOffset.UtcNow,
            $"{profiles} profile and {orders} orders deleted, {events} outbox messages deleted"));
    }
}
