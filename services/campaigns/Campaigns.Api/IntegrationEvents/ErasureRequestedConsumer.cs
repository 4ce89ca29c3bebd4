using CustomerBase.Campaigns.Infrastructure;
using CustomerBase.Consent.Contracts;
using CustomerBase.Messaging;
using CustomerBase.ServiceDefaults;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace CustomerBase.Campaigns.IntegrationEvents;

/// <summary>
/// Campaigns' part of an erasure: the person's messages (texts and addresses included), their activity read model
/// and the outbox messages about them are deleted; campaign statistics lose them too, which is the point.
/// </summary>
public sealed class ErasureRequestedConsumer(CampaignsDbContext db, Model.RedisSendLimits limits, ILogger<ErasureRequestedConsumer> logger)
    : InboxConsumer<CampaignsDbContext, ErasureRequested>(db, logger)
{
    protected override bool Concerns(ErasureRequested message) => message.Addresses(ResourceNames.Campaigns);

    protected override async Task HandleAsync(ErasureRequested message, ConsumeContext<ErasureRequested> context)
    {
        var ct = context.CancellationToken;
        var messages = await Db.Messages.Where(m => m.ContactId == message.ContactId).ExecuteDeleteAsync(ct);
        await Db.ContactActivities.Where(a => a.ContactId == message.ContactId).ExecuteDeleteAsync(ct);
        var events = await Db.ForgetOutboxMessagesAboutAsync(message.ContactId, ct);
        await limits.ForgetAsync(message.ContactId);
        Db.AddToOutbox(new ErasureCompleted(message.RequestId, ResourceNames.Campaigns, DateTimeOffset.UtcNow,
            $"{messages} campaign messages and {events} outbox messages deleted"));
    }
}
