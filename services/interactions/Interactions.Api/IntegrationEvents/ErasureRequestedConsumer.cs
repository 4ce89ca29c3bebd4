using CustomerBase.Consent.Contracts;
using CustomerBase.Interactions.Infrastructure;
using CustomerBase.Interactions.Model;
using CustomerBase.Messaging;
using CustomerBase.ServiceDefaults;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace CustomerBase.Interactions.IntegrationEvents;

/// <summary>Erases a person's timeline, statistics and task links (and the outbox events about them), then answers ErasureCompleted.</summary>
public sealed class ErasureRequestedConsumer(InteractionsDbContext db, ILogger<ErasureRequestedConsumer> logger)
    : InboxConsumer<InteractionsDbContext, ErasureRequested>(db, logger)
{
    protected override bool Concerns(ErasureRequested message) => message.Addresses(ResourceNames.Interactions);

    protected override async Task HandleAsync(ErasureRequested message, ConsumeContext<ErasureRequested> context)
    {
        var ct = context.CancellationToken;
        ContactChecker.Forget([message.ContactId]);
        var interactions = await Db.ForgetContactAsync(message.ContactId, ct);
        var events = await Db.ForgetOutboxMessagesAboutAsync(message.ContactId, ct);
        Db.AddToOutbox(new ErasureCompleted(message.RequestId, ResourceNames.Interactions, DateTimeOffset.UtcNow,
            $"{interactions} interactions deleted, {events} outbox messages deleted"));
    }
}
