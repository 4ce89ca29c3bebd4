using CustomerBase.Campaigns.Contracts;
using CustomerBase.Campaigns.Infrastructure;
using CustomerBase.Campaigns.Model;
using CustomerBase.Messaging;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace CustomerBase.Campaigns.IntegrationEvents;

/// <summary>
/// Receipts sent one by one (the e-mail adapter, most tooling), taken in batches of up to 500 so that a launch's
/// stream of them costs one transaction per batch rather than one per receipt.
/// </summary>
public sealed class DeliveryReceiptConsumer(DeliveryReceipts receipts) : IConsumer<Batch<DeliveryReceipt>>
{
    private static readonly string ConsumerName = typeof(DeliveryReceiptConsumer).FullName!;

    public Task Consume(ConsumeContext<Batch<DeliveryReceipt>> context) =>
        receipts.ApplyOnceAsync(ConsumerName,
            context.Message.Select(m => (DeliveryReceipts.BusMessageId(m), (IReadOnlyList<DeliveryReceipt>)[m.Message])).ToList(),
            context.CancellationToken);
}

/// <summary>Receipts reported in bulk (<see cref="DeliveryReceiptBatch"/>): one transaction per broker message.</summary>
public sealed class DeliveryReceiptBatchConsumer(DeliveryReceipts receipts) : IConsumer<DeliveryReceiptBatch>
{
    private static readonly string ConsumerName = typeof(DeliveryReceiptBatchConsumer).FullName!;

    public Task Consume(ConsumeContext<DeliveryReceiptBatch> context) =>
        receipts.ApplyOnceAsync(ConsumerName,
            [(DeliveryReceipts.BusMessageId(context), context.Message.Receipts ?? throw new InvalidOperationException("A receipt batch arrived without receipts."))],
            context.CancellationToken);
}

/// <summary>
/// Applies what tooling reports about messages: the moment of each outcome (for the statistics) and the furthest status
/// reached (a click after an open; a late "opened" does not move a "clicked" back). The receipts of a set of broker
/// messages go in one transaction with those messages' inbox rows (the same exactly-once rule as
/// <see cref="InboxConsumer{TDbContext,TMessage}"/>, one commit for all). An unsubscribe reported by tooling (a reply
/// "STOP") is recorded with consent as a withdrawal.
/// </summary>
public sealed class DeliveryReceipts(CampaignsDbContext db, ConsentWithdrawals withdrawals, ILogger<DeliveryReceipts> logger)
{
    /// <summary>How far a message got; any answer ends its time in flight (the release loop's back-pressure counts <c>released</c>).</summary>
    private static readonly string[] Progress = ["released", "sent", "delivered", "opened", "clicked", "bounced", "failed", "unsubscribed"];

    public static Guid BusMessageId(ConsumeContext context) =>
        context.MessageId ?? throw new InvalidOperationException("A receipt arrived without a MessageId; it cannot be de-duplicated.");

    /// <summary>Applies the receipts of the broker messages this consumer has not applied before.</summary>
    public async Task ApplyOnceAsync(string consumer, IReadOnlyList<(Guid BusMessageId, IReadOnlyList<DeliveryReceipt> Receipts)> delivered, CancellationToken ct)
    {
        var ids = delivered.Select(d => d.BusMessageId).Distinct().Order().ToArray();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var fresh = (await db.Database.SqlQuery<Guid>($"""
            INSERT INTO inbox_messages (message_id, consumer, processed_at) SELECT id, {consumer}, now() FROM unnest({ids}) AS id
            ON CONFLICT DO NOTHING RETURNING message_id AS "Value"
            """).ToListAsync(ct)).ToHashSet();
        var receipts = delivered.Where(d => fresh.Contains(d.BusMessageId)).SelectMany(d => d.Receipts).ToList();
        var unsubscribed = await ApplyAsync(receipts, ct);
        foreach (var message in unsubscribed)
        {
            await withdrawals.WithdrawAsync(message, ct);
        }
        await transaction.CommitAsync(ct);
        logger.LogDebug("Applied {Count} receipts", receipts.Count);
    }

    /// <summary>
    /// One UPDATE for the whole batch: per message, the first moment of each outcome and the furthest status among
    /// its receipts, merged with what the row has. A statement per receipt made the round trips the limit of a launch.
    /// Returns the messages an Unsubscribed receipt reached.
    /// </summary>
    private async Task<List<CampaignMessage>> ApplyAsync(List<DeliveryReceipt> receipts, CancellationToken ct)
    {
        if (receipts.Count == 0)
        {
            return [];
        }
        // Sorted by message: replicas lock rows in the same order.
        var perMessage = receipts.GroupBy(r => r.MessageId).OrderBy(g => g.Key).ToList();
        DateTimeOffset?[] First(DeliveryStatus status) =>
            perMessage.Select(g => g.Where(r => r.Status == status).Select(r => (DateTimeOffset?)r.At.ToUniversalTime()).Min()).ToArray();
        var ids = perMessage.Select(g => g.Key).ToArray();
        var statuses = perMessage.Select(g => StatusName(g.MaxBy(r => Array.IndexOf(Progress, StatusName(r.Status)))!.Status)).ToArray();
        // Why a message did not arrive, as tooling put it (the last failure's words).
        var details = perMessage.Select(g => g.Where(r => r.Status is DeliveryStatus.Failed or DeliveryStatus.Bounced && !string.IsNullOrWhiteSpace(r.Detail))
            .OrderBy(r => r.At).Select(r => r.Detail!.Length > CampaignMessage.OutcomeDetailLength ? r.Detail[..CampaignMessage.OutcomeDetailLength] : r.Detail).LastOrDefault()).ToArray();
        var (sent, delivered, opened, clicked) = (First(DeliveryStatus.Sent), First(DeliveryStatus.Delivered), First(DeliveryStatus.Opened), First(DeliveryStatus.Clicked));
        var (bounced, failed, unsubscribed) = (First(DeliveryStatus.Bounced), First(DeliveryStatus.Failed), First(DeliveryStatus.Unsubscribed));

        var reached = await db.Database.SqlQuery<Guid>($"""
            WITH applied AS (
            UPDATE campaign_messages m SET
                sent_at = coalesce(m.sent_at, r.sent_at),
                delivered_at = coalesce(m.delivered_at, r.delivered_at),
                opened_at = coalesce(m.opened_at, r.opened_at),
                clicked_at = coalesce(m.clicked_at, r.clicked_at),
                bounced_at = coalesce(m.bounced_at, r.bounced_at),
                failed_at = coalesce(m.failed_at, r.failed_at),
                unsubscribed_at = coalesce(m.unsubscribed_at, r.unsubscribed_at),
                outcome_detail = coalesce(r.detail, m.outcome_detail),
                status = CASE WHEN array_position({Progress}, r.status) > coalesce(array_position({Progress}, m.status::text), 0) THEN r.status ELSE m.status END
            FROM unnest({ids}, {sent}, {delivered}, {opened}, {clicked}, {bounced}, {failed}, {unsubscribed}, {statuses}, {details})
                AS r(id, sent_at, delivered_at, opened_at, clicked_at, bounced_at, failed_at, unsubscribed_at, status, detail)
            WHERE m.id = r.id AND m.status NOT IN ('excluded', 'cancelled', 'expired')
            RETURNING m.id, r.unsubscribed_at)
            SELECT id AS "Value" FROM applied WHERE unsubscribed_at IS NOT NULL
            """).ToListAsync(ct);
        // (Rows of test sends and of messages erased since match nothing.) A 'pending' row is one published whose
        // release then failed to commit (ADR 24): the receipt shows it went, so it is not released again.
        return reached.Count == 0 ? [] : await db.Messages.AsNoTracking().Where(m => reached.Contains(m.Id)).ToListAsync(ct);
    }

    private static string StatusName(DeliveryStatus status) => status.ToString().ToLowerInvariant();
}

/// <summary>Receipts in batches of up to 500 (or what arrived within 50 ms), one batch at a time per replica.</summary>
public sealed class DeliveryReceiptConsumerDefinition : ConsumerDefinition<DeliveryReceiptConsumer>
{
    public DeliveryReceiptConsumerDefinition() => Endpoint(e => e.PrefetchCount = 1000);

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<DeliveryReceiptConsumer> consumerConfigurator, IRegistrationContext context) =>
        consumerConfigurator.Options<BatchOptions>(batch => batch.SetMessageLimit(500).SetTimeLimit(TimeSpan.FromMilliseconds(50)).SetConcurrencyLimit(1));
}

/// <summary>Bulk receipts one broker message at a time per replica (each already carries up to a thousand).</summary>
public sealed class DeliveryReceiptBatchConsumerDefinition : ConsumerDefinition<DeliveryReceiptBatchConsumer>
{
    public DeliveryReceiptBatchConsumerDefinition() => Endpoint(e => (e.PrefetchCount, e.ConcurrentMessageLimit) = (4, 1));
}
