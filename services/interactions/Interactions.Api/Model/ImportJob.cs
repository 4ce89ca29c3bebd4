namespace CustomerBase.Interactions.Model;

/// <summary>A bulk ingest of history (CSV or JSON lines): its progress, and its bad rows in <see cref="ImportRowError"/>.</summary>
public sealed class ImportJob
{
    public Guid Id { get; init; }
    public required string Format { get; init; }
    public required string Status { get; set; }
    public long RowsRead { get; set; }
    public long RowsImported { get; set; }
    public long RowsFailed { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
    public string? CreatedBy { get; init; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }

    /// <summary>Why the whole job stopped (not a row's error); no personal data.</summary>
    public string? Error { get; set; }
}

public sealed class ImportRowError
{
    public Guid JobId { get; init; }
    public long RowNumber { get; init; }
    public required string Field { get; init; }
    public required string Message { get; init; }
}

public static class ImportStatuses
{
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Completed = "completed";
    public const string Failed = "failed";
}
