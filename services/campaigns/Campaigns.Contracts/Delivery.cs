namespace CustomerBase.Campaigns.Contracts;

/// <summary>
/// A command to campaign tooling (SMS gateway, e-mail sender, messenger bot): deliver this message to this address,
/// not before <see cref="NotBefore"/> and not after <see cref="NotAfter"/>. Answered with <see cref="DeliveryReceipt"/>.
/// </summary>
public sealed record DeliverMessage(
    Guid MessageId,
    Guid CampaignId,
    Guid ContactId,
    string Channel,
    string Address,
    string? Subject,
    string Body,
    Uri UnsubscribeUrl,
    DateTimeOffset NotBefore,
    DateTimeOffset NotAfter);

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
