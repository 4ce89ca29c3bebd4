namespace CustomerBase.Segmentation.Contracts;

/// <summary>Whether a contact came into a segment or left it.</summary>
public enum MembershipChange
{
    Entered,
    Exited,
}

/// <summary>
/// A contact entered or left a segment (a dynamic segment after an event or a scheduled re-evaluation, or a static
/// list after an add or remove). Published once per change, so campaigns can trigger on it (e.g. becoming inactive
/// → a win-back offer). Ids only.
/// </summary>
public sealed record SegmentMembershipChanged(
    Guid SegmentId,
    Guid ContactId,
    MembershipChange Change,
    DateTimeOffset At);

/// <summary>
/// A contact's lifecycle stage changed (potential, new, active, loyal, inactive). <see cref="PreviousStage"/> is null
/// the first time a stage is computed for a contact.
/// </summary>
public sealed record LifecycleStageChanged(
    Guid ContactId,
    string? PreviousStage,
    string Stage,
    DateTimeOffset At);
