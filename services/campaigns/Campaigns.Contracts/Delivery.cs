using System.Text.Json.Serialization;

namespace CustomerBase.Campaigns.Contracts;

/// <summary>
/// A command to campaign tooling (SMS gateway, e-mail sender, messenger bot): deliver this message to this address,
/// not before <see cref="NotBefore"/> and not after <see cref="NotAfter"/>. Answered with <see cref="DeliveryReceipt"/>.
/// Tooling takes only its own <see cref="Channel"/> (email, sms, messenger, call-task) and ignores the rest.
/// <see cref="Purpose"/> (marketing or service) and <see cref="Headers"/> (for e-mail: <c>List-Unsubscribe</c> and
/// <c>List-Unsubscribe-Post</c> on marketing messages) were added later and are null in older messages.
/// <see cref="UnsubscribeUrl"/> is null only for call tasks (nothing is sent to the person). The same <see cref="MessageId"/> may arrive twice (at-least-once delivery): tooling sends it once.
/// </summary>
public sealed record DeliverMessage(
    Guid MessageId,
    Guid CampaignId,
    Guid ContactId,
    string Channel,
    string Address,
    string? Subject,
    string Body,
    Uri? UnsubscribeUrl,
    DateTimeOffset NotBefore,
    DateTimeOffset NotAfter,
    string? Purpose = null,
    IReadOnlyDictionary<string, string>? Headers = null);

/// <summary>
/// Where <see cref="DeliverMessage"/>s are published: a <c>direct</c> exchange whose routing key is the message's
/// <see cref="DeliverMessage.Channel"/>. Tooling binds its queue with its own channel and gets nothing else, so the
/// broker does not copy every SMS to the e-mail adapter's queue (and back out as an acknowledged no-op).
/// </summary>
public static class DeliveryTopology
{
    public const string Exchange = "customerbase.campaigns.deliver-message";
    public const string ExchangeType = "direct";
}

/// <summary>
/// On the wire by name (<c>"Sent"</c>, <c>"Bounced"</c>, …), so tooling written without this package can answer; the
/// number an earlier version of the package wrote is still read.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<DeliveryStatus>))]
public enum DeliveryStatus
{
    Sent,
    Delivered,
    Opened,
    Clicked,
    Bounced,
    Failed,
    Unsubscribed,
}

/// <summary>What campaign tooling reports back about a <see cref="DeliverMessage"/>.</summary>
public sealed record DeliveryReceipt(Guid MessageId, DeliveryStatus Status, DateTimeOffset At, string? Detail);

/// <summary>
/// Many <see cref="DeliveryReceipt"/>s in one message, for tooling that reports in bulk (an SMS aggregator's delivery
/// reports, a sender answering a whole prefetch at once): each receipt counts exactly as if it had come alone. One broker
/// message per thousand receipts instead of one each is what lets a million-recipient launch run at the broker's pace.
/// Keep a message to at most <see cref="MaxReceipts"/> receipts (~100 KB); larger ones are still applied.
/// </summary>
public sealed record DeliveryReceiptBatch(IReadOnlyList<DeliveryReceipt> Receipts)
{
    public const int MaxReceipts = 1000;
}
