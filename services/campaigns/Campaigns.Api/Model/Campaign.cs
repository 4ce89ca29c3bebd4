namespace CustomerBase.Campaigns.Model;

/// <summary>
/// A campaign: what to say (<see cref="Subject"/>, <see cref="Body"/> in Liquid), to whom (a segment or a static list),
/// on which channel, for which purpose, when (<see cref="Schedule"/>), and within which <see cref="Policies"/>.
/// </summary>
public sealed class Campaign
{
    public Guid Id { get; set; }
    public required string Name { get; set; }
    public required string Purpose { get; set; }
    public required string Channel { get; set; }

    /// <summary>A saved segment of segmentation; or every contact (<see cref="AllContacts"/>); or the static list <see cref="ContactIds"/>.</summary>
    public Guid? SegmentId { get; set; }
    public bool AllContacts { get; set; }
    public List<Guid>? ContactIds { get; set; }

    public string? Subject { get; set; }
    public required string Body { get; set; }

    public CampaignSchedule Schedule { get; set; } = new();
    public CampaignTrigger? Trigger { get; set; }
    public CampaignPolicies Policies { get; set; } = new();

    public string Status { get; set; } = CampaignStatus.Draft;

    /// <summary>When the scheduler launches the next occurrence (scheduled campaigns); null otherwise.</summary>
    public DateTimeOffset? NextRunAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public uint Version { get; set; }
}

public static class CampaignStatus
{
    public const string Draft = "draft";
    public const string Scheduled = "scheduled";
    public const string Running = "running";
    public const string Paused = "paused";
    public const string Completed = "completed";
    public const string Cancelled = "cancelled";
}

public static class CampaignPurposes
{
    public const string Marketing = "marketing";
    public const string Service = "service";
    public static readonly IReadOnlySet<string> All = new HashSet<string> { Marketing, Service };
}

/// <summary>The channels a campaign can use; <c>call-task</c> asks a manager to call instead of sending anything.</summary>
public static class CampaignChannels
{
    public const string Email = "email";
    public const string Sms = "sms";
    public const string Messenger = "messenger";
    public const string CallTask = "call-task";
    public static readonly IReadOnlySet<string> All = new HashSet<string> { Email, Sms, Messenger, CallTask };

    /// <summary>The consent ledger's channel a campaign channel is checked against (a call is made by phone).</summary>
    public static string ConsentChannel(string channel) => channel == CallTask ? "phone" : channel;
}

/// <summary>When a campaign runs: <c>now</c> (on launch), <c>at</c> a moment, <c>cron</c> (recurring), or <c>trigger</c> (per contact, on an event).</summary>
public sealed class CampaignSchedule
{
    public string Kind { get; set; } = ScheduleKinds.Now;
    public DateTimeOffset? At { get; set; }
    public string? Cron { get; set; }

    /// <summary>IANA zone the cron expression is read in; UTC when empty.</summary>
    public string? TimeZone { get; set; }
}

public static class ScheduleKinds
{
    public const string Now = "now";
    public const string At = "at";
    public const string Cron = "cron";
    public const string Trigger = "trigger";
    public static readonly IReadOnlySet<string> All = new HashSet<string> { Now, At, Cron, Trigger };
}

/// <summary>A per-contact trigger: birthday, follow-up after a visit or order, entering a segment, a due task.</summary>
public sealed class CampaignTrigger
{
    public required string Kind { get; set; }

    /// <summary>Birthday: how many days before it (0 = on the day).</summary>
    public int DaysBefore { get; set; }

    /// <summary>Birthday: the hour of the contact's local day the message goes at.</summary>
    public int LocalHour { get; set; } = 10;

    /// <summary>Follow-up: how many days after the visit or order.</summary>
    public int DaysAfter { get; set; }

    /// <summary>Follow-up: <c>visit</c> or <c>order</c>.</summary>
    public string? InteractionKind { get; set; }

    /// <summary>Segment entered: which segment.</summary>
    public Guid? SegmentId { get; set; }

    /// <summary>Task due: only tasks of this kind (any when empty).</summary>
    public string? TaskKind { get; set; }
}

public static class TriggerKinds
{
    public const string Birthday = "birthday";
    public const string FollowUp = "follow-up";
    public const string SegmentEntered = "segment-entered";
    public const string TaskDue = "task-due";
    public static readonly IReadOnlySet<string> All = new HashSet<string> { Birthday, FollowUp, SegmentEntered, TaskDue };
}

/// <summary>How a campaign's messages are released.</summary>
public sealed class CampaignPolicies
{
    /// <summary>Release only inside the recipient's window (their call window, or else the quiet-hours-free day), in their time zone.</summary>
    public bool RespectSendWindow { get; set; } = true;

    /// <summary>Outside a contact's own call window, messages go between these local hours (quiet hours are the rest).</summary>
    public string QuietHoursEnd { get; set; } = "09:00";
    public string QuietHoursStart { get; set; } = "21:00";

    /// <summary>Counts against the per-contact frequency cap (marketing does by default; service messages do not).</summary>
    public bool? ApplyFrequencyCap { get; set; }

    /// <summary>This campaign's own pace (messages per second) under the channel's throttle; none when null.</summary>
    public int? MessagesPerSecond { get; set; }

    /// <summary>A message not released by then (e.g. deferred for days) is dropped rather than sent late; null = 7 days after launch.</summary>
    public TimeSpan? ValidFor { get; set; }
}
