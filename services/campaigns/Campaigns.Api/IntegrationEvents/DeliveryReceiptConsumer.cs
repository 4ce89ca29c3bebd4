using CustomerBase.Campaigns.Contracts;
using CustomerBase.Campaigns.Infrastructure;
using CustomerBase.Messaging;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace CustomerBase.Campaigns.IntegrationEvents;

/// <summary>
/// Applies what tooling reports about a message: the moment of each outcome (for the statistics) and the furthest
/// status reached (a click after an open; a late "opened" does not move a "clicked" back). One UPDATE with the rule
/// in SQL: receipts of one message consumed at the same time are applied one after the other by the row lock, none
/// lost. An unsubscribe reported by tooling (a reply "STOP") is recorded with consent as a withdrawal.
/// </summary>
public sealed class DeliveryReceiptConsumer(CampaignsDbContext db, ConsentWithdrawals withdrawals, ILogger<DeliveryReceiptConsumer> logger)
    : InboxConsumer<CampaignsDbContext, DeliveryReceipt>(db, logger)
{
    protected override async Task HandleAsync(DeliveryReceipt receipt, ConsumeContext<DeliveryReceipt> context)
    {
        var ct = context.CancellationToken;
        var status = receipt.Status.ToString().ToLowerInvariant();
        var updated = await Db.Database.ExecuteSqlInterpolatedAsync($"""
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
            // A test send, a message erased since: nothing to update.
            logger.LogDebug("Receipt for unknown message {MessageId}", receipt.MessageId);
            return;
        }
        if (receipt.Status == DeliveryStatus.Unsubscribed)
        {
            var message = await Db.Messages.AsNoTracking().SingleAsync(m => m.Id == receipt.MessageId, ct);
            await withdrawals.WithdrawAsync(message, ct);
        }
    }

    /// <summary>How far a message got; any answer ends its time in flight (the release loop's back-pressure counts <c>released</c>).</summary>
    private static readonly string[] Progress = ["released", "sent", "delivered", "opened", "clicked", "bounced", "failed", "unsubscribed"];
}
