namespace CustomerBase.Contacts.Duplicates;

/// <summary>A scan of the whole base (or of what a sales manager can see) for duplicate groups, run in the background.</summary>
public sealed class DuplicateScan
{
    public Guid Id { get; init; }
    public ScanStatus Status { get; set; }

    /// <summary>What the scan is doing: e-mails, phones, names, grouping, done.</summary>
    public string Stage { get; set; } = "queued";
    public int Percent { get; set; }
    public int Groups { get; set; }
    public int Contacts { get; set; }
    public string CreatedBy { get; init; } = "";
    public string? Team { get; init; }
    public bool RestrictedToTeam { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
    public string? FailureReason { get; set; }
}

public enum ScanStatus
{
    Queued,
    Running,
    Completed,
    Failed,
}

/// <summary>One group a scan found: contacts that are probably one person, most certain groups first (<see cref="Ordinal"/>).</summary>
public sealed class DuplicateGroup
{
    public long Id { get; init; }
    public Guid ScanId { get; init; }
    public int Ordinal { get; init; }
    public List<Guid> ContactIds { get; init; } = [];
    public List<string> Reasons { get; init; } = [];
    public double Score { get; init; }
}
