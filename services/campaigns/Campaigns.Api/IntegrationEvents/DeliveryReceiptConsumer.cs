using CustomerBase.Campaigns.Contracts;
using CustomerBase.Campaigns.Infrastructure;
using CustomerBase.Campaigns.Model;
using CustomerBase.Messaging;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace CustomerBase.Campaigns.IntegrationEvents;

/// <summary>
/// Applies what tooling reports about a message: its status, and the moment of each outcome for the statistics
/// (a message opened was also delivered). An unsubscribe reported by tooling (a reply "STOP", a provider's
/// unsubscribe) is recorded with consent as a withdrawal for the message's purpose and channel.
/// </summary>
public sealed class DeliveryReceiptConsumer(CampaignsDbContext db, ConsentWithdrawals withdrawals, ILogger<DeliveryReceiptConsumer> logger)
    : InboxConsumer<CampaignsDbContext, DeliveryReceipt>(db, logger)
{
    protected override async Task HandleAsync(DeliveryReceipt receipt, ConsumeContext<DeliveryReceipt> context)
    {
        var message = await Db.Messages.SingleOrDefaultAsync(m => m.Id == receipt.MessageId, context.CancellationToken);
        if (message is null)
        {
            // A test send, or a message erased since: nothing to update.
            logger.LogDebug("Receipt for unknown message {MessageId}", receipt.MessageId);
            return;
        }
        switch (receipt.Status)
        {
            case DeliveryStatus.Sent: message.SentAt ??= receipt.At; break;
            case DeliveryStatus.Delivered: message.DeliveredAt ??= receipt.At; break;
            case DeliveryStatus.Opened: message.OpenedAt ??= receipt.At; break;
            case DeliveryStatus.Clicked: message.ClickedAt ??= receipt.At; break;
            case DeliveryStatus.Bounced: message.BouncedAt ??= receipt.At; break;
            case DeliveryStatus.Failed: message.FailedAt ??= receipt.At; break;
            case DeliveryStatus.Unsubscribed:
                message.UnsubscribedAt ??= receipt.At;
                await withdrawals.WithdrawAsync(message, context.CancellationToken);
                break;
        }
        // Any answer ends the message's time in flight (the release loop's back-pressure counts those).
        if (message.Status == MessageStatus.Released)
        {
            message.Status = receipt.Status.ToString().ToLowerInvariant();
        }
        else if (message.Status != MessageStatus.Pending)
        {
            message.Status = Later(message.Status, receipt.Status.ToString().ToLowerInvariant());
        }
    }

    private static readonly string[] Progress = ["sent", "delivered", "opened", "clicked"];

    /// <summary>Receipts may arrive out of order: "opened" after "clicked" must not move the status back.</summary>
    private static string Later(string current, string next) =>
        Array.IndexOf(Progress, next) is var n and >= 0 && Array.IndexOf(Progress, current) is var c and >= 0 && n < c ? current : next;
}
