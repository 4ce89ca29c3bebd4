using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace CustomerBase.Messaging;

/// <summary>
/// A consumer that applies each message once. The inbox row (message id, consumer) is inserted in the same
/// transaction as the consumer's own changes, so a redelivered message finds it and is skipped, and a consumer
/// that fails leaves neither behind. Events the handler adds to the outbox commit with it.
/// </summary>
public abstract class InboxConsumer<TDbContext, TMessage>(TDbContext db, ILogger logger) : IConsumer<TMessage>
    where TDbContext : DbContext
    where TMessage : class
{
    protected TDbContext Db => db;

    private string ConsumerName => GetType().FullName!;

    private const string RecordSql =
        "INSERT INTO " + MessagingModelBuilderExtensions.InboxTable +
        " (message_id, consumer, processed_at) VALUES ({0}, {1}, now()) ON CONFLICT DO NOTHING";

    public async Task Consume(ConsumeContext<TMessage> context)
    {
        if (!Concerns(context.Message))
        {
            return; // no transaction and no inbox row for a message meant for someone else
        }
        var messageId = context.MessageId
            ?? throw new InvalidOperationException($"{typeof(TMessage).Name} arrived without a MessageId; it cannot be de-duplicated.");
        var ct = context.CancellationToken;

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // A concurrent redelivery blocks on the primary key until this transaction ends, then inserts nothing.
        var inserted = await db.Database.ExecuteSqlRawAsync(RecordSql, [messageId, ConsumerName], ct);
        if (inserted == 0)
        {
            logger.LogDebug("Message {MessageId} was already applied by {Consumer}", messageId, ConsumerName);
            return;
        }

        await HandleAsync(context.Message, context);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
    }

    /// <summary>
    /// Whether this consumer has anything to do with the message. Published messages reach every subscriber (the
    /// e-mail adapter sees every channel's DeliverMessage): deciding before the inbox saves a transaction per message.
    /// </summary>
    protected virtual bool Concerns(TMessage message) => true;

    /// <summary>Apply the message to <see cref="Db"/>; do not call SaveChanges, the base class does, in the inbox transaction.</summary>
    protected abstract Task HandleAsync(TMessage message, ConsumeContext<TMessage> context);
}
