namespace CustomerBase.Segmentation.Model;

public static class SegmentKinds
{
    /// <summary>Members are the contacts its rule selects, kept current as events arrive.</summary>
    public const string Dynamic = "dynamic";

    /// <summary>Members are added and removed by hand (or uploaded).</summary>
    public const string Static = "static";
}

/// <summary>A saved segment: a rule (dynamic) or a list (static). Its members are in <see cref="SegmentMember"/>.</summary>
public sealed class Segment
{
    public Guid Id { get; init; }
    public required string Name { get; set; }
    public string? Description { get; set; }
    public required string Kind { get; init; }

    /// <summary>The rule in its JSON form (jsonb), the form it is compiled from; null for a static list.</summary>
    public string? Rule { get; set; }

    /// <summary>The rule as a person wrote it, when it came in the text form.</summary>
    public string? RuleText { get; set; }

    /// <summary>The rule has relative-date conditions ("30 days ago", birthday, age): re-evaluated on a schedule.</summary>
    public bool TimeBased { get; set; }
    public string? CreatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? EvaluatedAt { get; set; }
}

/// <summary>A contact in a segment, since when.</summary>
public sealed class SegmentMember
{
    public Guid SegmentId { get; init; }
    public Guid ContactId { get; init; }
    public DateTimeOffset Since { get; init; }
}
