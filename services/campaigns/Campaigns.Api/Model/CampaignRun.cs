namespace CustomerBase.Campaigns.Model;

/// <summary>
/// One occurrence of a campaign's launch (the only one of a one-off, one per cron moment of a recurring one):
/// resolving (audience → recorded messages) → releasing → completed. Unique per (campaign, occurrence), so a
/// scheduler that fires twice starts one run; a run left resolving by a stopped process is resumed.
/// </summary>
public sealed class CampaignRun
{
    public Guid Id { get; set; }
    public Guid CampaignId { get; set; }
    public required string Occurrence { get; set; }
    public string Status { get; set; } = RunStatus.Resolving;
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset? ResolvedAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }

    /// <summary>Resolution is restarted from the beginning after a crash; already recorded recipients are kept.</summary>
    public int Attempts { get; set; }

    /// <summary>Until when the replica resolving this run holds it; another may take it over after.</summary>
    public DateTimeOffset? LeaseUntil { get; set; }
    public string? LastError { get; set; }
}

public static class RunStatus
{
    public const string Resolving = "resolving";
    public const string Releasing = "releasing";
    public const string Completed = "completed";
    public const string Failed = "failed";
}
