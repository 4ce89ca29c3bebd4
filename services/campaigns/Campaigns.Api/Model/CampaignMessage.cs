namespace CustomerBase.Campaigns.Model;

/// <summary>
/// One recipient of one occurrence of a campaign: unique per (campaign, occurrence, contact), so a retried launch,
/// a second trigger event or a restart never makes a second message. Its id is the <c>DeliverMessage.MessageId</c>.
/// </summary>
public sealed class CampaignMessage
{
    public Guid Id { get; set; }
    public Guid CampaignId { get; set; }

    /// <summary>Which run: <c>once</c>, a cron moment, or a trigger's key (<c>birthday-2027</c>, <c>visit-{id}</c>).</summary>
    public required string Occurrence { get; set; }
    public Guid ContactId { get; set; }
    public required string Channel { get; set; }
    public required string Purpose { get; set; }

    public string Status { get; set; } = MessageStatus.Pending;
    public string? ExcludedReason { get; set; }

    /// <summary>The last reason the message was held back (<c>window</c>, <c>cap</c>); kept after release for the statistics.</summary>
    public string? DeferredReason { get; set; }

    public string? Address { get; set; }
    public string? Subject { get; set; }
    public string? Body { get; set; }
    public string? UnsubscribeUrl { get; set; }

    /// <summary>The recipient's send window, copied from their card at launch: time zone, days (bit 0 = Monday), local hours.</summary>
    public string? TimeZone { get; set; }
    public int WindowDays { get; set; }
    public TimeOnly? WindowFrom { get; set; }
    public TimeOnly? WindowTo { get; set; }

    /// <summary>Why it failed or bounced, in tooling's words (a DeliveryReceipt's Detail, e.g. an SMTP reply code).</summary>
    public string? OutcomeDetail { get; set; }

    public const int OutcomeDetailLength = 200;

    public DateTimeOffset NotBefore { get; set; }
    public DateTimeOffset NotAfter { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ReleasedAt { get; set; }
    public DateTimeOffset? SentAt { get; set; }
    public DateTimeOffset? DeliveredAt { get; set; }
    public DateTimeOffset? OpenedAt { get; set; }
    public DateTimeOffset? ClickedAt { get; set; }
    public DateTimeOffset? BouncedAt { get; set; }
    public DateTimeOffset? FailedAt { get; set; }
    public DateTimeOffset? UnsubscribedAt { get; set; }
}

/// <summary>
/// pending → released (handed to tooling) → sent | failed | bounced …; or excluded (never sent, with a reason),
/// expired (not released in time), cancelled (the campaign was).
/// </summary>
public static class MessageStatus
{
    public const string Pending = "pending";
    public const string Excluded = "excluded";
    public const string Released = "released";
    public const string Expired = "expired";
    public const string Cancelled = "cancelled";
}

/// <summary>Why a recipient gets no message: consent's reasons, plus what campaigns itself finds.</summary>
public static class ExclusionReasons
{
    public const string NoAddress = "noAddress";
    public const string UnknownContact = "unknownContact";
    public const string TooLong = "tooLong";
    public const string TemplateError = "templateError";
}

public static class DeferralReasons
{
    public const string Window = "window";
    public const string Cap = "cap";
}
