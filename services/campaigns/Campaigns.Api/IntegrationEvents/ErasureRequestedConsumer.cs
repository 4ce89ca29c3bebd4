using CustomerBase.Campaigns.Infrastructure;
using CustomerBase.Consent.Contracts;
using CustomerBase.Messaging;
using CustomerBase.ServiceDefaults;
using MassTransit;

namespace CustomerBase.Campaigns.IntegrationEvents;

/// <summary>
/// Campaigns' part of an erasure. It keeps no per-person rows yet beyond the outbox, so it clears that and answers;
/// per-recipient messages, when they come, are deleted here too.
/// </summary>
public sealed class ErasureRequestedConsumer(CampaignsDbContext db, ILogger<ErasureRequestedConsumer> logger)
    : InboxConsumer<CampaignsDbContext, ErasureRequested>(db, logger)
{
    protected override async Task HandleAsync(ErasureRequested message, ConsumeContext<ErasureRequested> context)
    {
        if (!message.Addresses(ResourceNames.Campaigns))
        {
            return;
        }
        var events = await Db.ForgetOutboxMessagesAboutAsync(message.ContactId, context.CancellationToken);
        Db.AddToOutbox(new ErasureCompleted(message.RequestId, ResourceNames.Campaigns, DateTimeOffset.UtcNow,
            $"{events} outbox messages deleted"));
    }
}
