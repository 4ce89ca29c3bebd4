namespace CustomerBase.Segmentation.Model;

/// <summary>A recomputation of every statistic, metric and segment from the stored contacts and orders, with its progress.</summary>
public sealed class RebuildJob
{
    public Guid Id { get; init; }

    /// <summary>queued, running, completed or failed.</summary>
    public string Status { get; set; } = "queued";

    /// <summary>The step running now: statistics, rfm, metrics, segments.</summary>
    public string? Step { get; set; }
    public int StepsDone { get; set; }
    public int StepsTotal { get; set; }
    public long Contacts { get; set; }
    public string? Error { get; set; }
    public string? RequestedBy { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
}

/// <summary>
/// The quintile boundaries of recency (days since the last order), frequency (orders) and monetary (spend) over every
/// buyer, computed by the rebuild and the daily refresh; one contact's RFM scores are read against them.
/// </summary>
public sealed class RfmBoundaries
{
    public int Id { get; init; } = 1;
    public double[] Recency { get; set; } = [];
    public double[] Frequency { get; set; } = [];
    public double[] Monetary { get; set; } = [];
    public DateTimeOffset ComputedAt { get; set; }
}
