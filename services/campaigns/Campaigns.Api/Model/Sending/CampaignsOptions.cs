namespace CustomerBase.Campaigns.Model;

/// <summary>Configuration section <c>Campaigns</c>.</summary>
public sealed class CampaignsOptions
{
    /// <summary>The public address unsubscribe links point at (the gateway); by default the gateway's discovered address.</summary>
    public Uri? PublicBaseUrl { get; set; }

    /// <summary>Consent's unsubscribe-link key, shared with consent (base64, from the secret store).</summary>
    public string? UnsubscribeKey { get; set; }

    /// <summary>Longest SMS body, in characters (two concatenated GSM-7 segments).</summary>
    public int SmsMaxLength { get; set; } = 306;

    /// <summary>The cap on marketing messages per contact across campaigns.</summary>
    public int CapMaxMessages { get; set; } = 2;
    public TimeSpan CapPeriod { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How often the release loop looks for due messages when it found none.</summary>
    public TimeSpan ReleaseInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Messages taken per release transaction.</summary>
    public int ReleaseBatchSize { get; set; } = 1000;

    /// <summary>How long the release waits for the broker's confirm of one <c>DeliverMessage</c>.</summary>
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>A message whose publish failed (broker away) is tried again this much later.</summary>
    public TimeSpan PublishRetryAfter { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Release loops per replica. The throttle and the in-flight bound are read per batch, so they may be passed by up to one batch per loop.</summary>
    public int ReleaseWorkers { get; set; } = 2;

    /// <summary>Per channel: messages per second released to tooling, across replicas.</summary>
    public Dictionary<string, int> MessagesPerSecond { get; set; } = new() { ["email"] = 2000, ["sms"] = 200, ["messenger"] = 500, ["call-task"] = 50 };

    /// <summary>
    /// Per channel: at most this many messages handed to tooling and not yet answered with a receipt. The broker
    /// never holds more than this, whatever the campaign's size (queue-depth back-pressure).
    /// </summary>
    public int MaxInFlightPerChannel { get; set; } = 20_000;

    /// <summary>How long a replica holds a run it resolves before another may take it over (renewed every batch).</summary>
    public TimeSpan RunLease { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often triggers that look ahead (birthdays) scan their audience.</summary>
    public TimeSpan TriggerScanInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How far ahead a scan records birthday messages; each waits in the release loop until its moment.</summary>
    public TimeSpan TriggerLookAhead { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Messages deferred past this many days after their first moment are dropped as expired.</summary>
    public TimeSpan DefaultValidFor { get; set; } = TimeSpan.FromDays(14);
}
