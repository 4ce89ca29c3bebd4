using CustomerBase.Campaigns.Contracts;
using CustomerBase.Campaigns.Infrastructure;
using CustomerBase.Messaging;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace CustomerBase.Campaigns.IntegrationEvents;

/// <summary>
/// Applies what tooling reports about messages: the moment of each outcome (for the statistics) and the furthest status
/// reached (a click after an open; a late "opened" does not move a "clicked" back). Receipts come as often as messages
/// go, so they are taken in batches of up to 500, each batch in one transaction with its inbox rows (the same
/// exactly-once rule as <see cref="InboxConsumer{TDbContext,TMessage}"/>, one commit instead of 500). An unsubscribe
/// reported by tooling (a reply "STOP") is recorded with consent as a withdrawal.
/// </summary>
public sealed class DeliveryReceiptConsumer(CampaignsDbContext db, ConsentWithdrawals withdrawals, ILogger<DeliveryReceiptConsumer> logger)
    : IConsumer<Batch<DeliveryReceipt>>
{
    private static readonly string ConsumerName = typeof(DeliveryReceiptConsumer).FullName!;

    /// <summary>How far a message got; any answer ends its time in flight (the release loop's back-pressure counts <c>released</c>).</summary>
    private static readonly string[] Progress = ["released", "sent", "delivered", "opened", "clicked", "bounced", "failed", "unsubscribed"];

    public async Task Consume(ConsumeContext<Batch<DeliveryReceipt>> context)
    {
        var ct = context.CancellationToken;
        var ids = context.Message.Select(m => m.MessageId ?? throw new InvalidOperationException("A receipt arrived without a MessageId; it cannot be de-duplicated."))
            .Distinct().Order().ToArray();

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var fresh = (await db.Database.SqlQuery<Guid>($"""
            INSERT INTO inbox_messages (message_id, consumer, processed_at) SELECT id, {ConsumerName}, now() FROM unnest({ids}) AS id
            ON CONFLICT DO NOTHING RETURNING message_id AS "Value"
            """).ToListAsync(ct)).ToHashSet();
        // Sorted by message, then by moment: replicas lock rows in the same order, and a message's receipts apply as they happened.
        var receipts = context.Message.Where(m => fresh.Contains(m.MessageId!.Value)).Select(m => m.Message)
            .OrderBy(r => r.MessageId).ThenBy(r => r.At).ToList();
        foreach (var receipt in receipts)
        {
            await ApplyAsync(receipt, ct);
        }
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        logger.LogDebug("Applied {Count} receipts", receipts.Count);
    }

    private async Task ApplyAsync(DeliveryReceipt receipt, CancellationToken ct)
    {
        var status = receipt.Status.ToString().ToLowerInvariant();
        var updated = await db.Database.ExecuteSqlInterpolatedAsync($"""
            UPDATE campaign_messages SET
                sent_at = CASE WHEN {status} = 'sent' THEN coalesce(sent_at, {receipt.At}) ELSE sent_at END,
                delivered_at = CASE WHEN {status} = 'delivered' THEN coalesce(delivered_at, {receipt.At}) ELSE delivered_at END,
                opened_at = CASE WHEN {status} = 'opened' THEN coalesce(opened_at, {receipt.At}) ELSE opened_at END,
                clicked_at = CASE WHEN {status} = 'clicked' THEN coalesce(clicked_at, {receipt.At}) ELSE clicked_at END,
                bounced_at = CASE WHEN {status} = 'bounced' THEN coalesce(bounced_at, {receipt.At}) ELSE bounced_at END,
                failed_at = CASE WHEN {status} = 'failed' THEN coalesce(failed_at, {receipt.At}) ELSE failed_at END,
                unsubscribed_at = CASE WHEN {status} = 'unsubscribed' THEN coalesce(unsubscribed_at, {receipt.At}) ELSE unsubscribed_at END,
                status = CASE WHEN array_position({Progress}, {status}) > coalesce(array_position({Progress}, status), 0) THEN {status} ELSE status END
            WHERE id = {receipt.MessageId} AND status NOT IN ('pending', 'excluded', 'cancelled', 'expired')
            """, ct);
        if (updated == 0)
        {
            return; // a test send, or a message erased since
        }
        if (receipt.Status == DeliveryStatus.Unsubscribed)
        {
            var message = await db.Messages.AsNoTracking().SingleAsync(m => m.Id == receipt.MessageId, ct);
            await withdrawals.WithdrawAsync(message, ct);
        }
    }
}

/// <summary>Receipts in batches of up to 500 (or what arrived within 50 ms), one batch at a time per replica.</summary>
public sealed class DeliveryReceiptConsumerDefinition : ConsumerDefinition<DeliveryReceiptConsumer>
{
    public DeliveryReceiptConsumerDefinition() => Endpoint(e => e.PrefetchCount = 1000);

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<DeliveryReceiptConsumer> consumerConfigurator, IRegistrationContext context) =>
        consumerConfigurator.Options<BatchOptions>(batch => batch.SetMessageLimit(500).SetTimeLimit(TimeSpan.FromMilliseconds(50)).SetConcurrencyLimit(1));
}
