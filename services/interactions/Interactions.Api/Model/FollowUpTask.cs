namespace CustomerBase.Interactions.Model;

/// <summary>
/// A task or reminder for a member of staff ("Call", "Congratulate", "Give a gift"), usually about a contact.
/// <see cref="DueNotifiedAt"/> is set when <c>TaskDue</c> was written for the current due time; moving the due time clears it.
/// </summary>
public sealed class FollowUpTask
{
    public Guid Id { get; init; }
    public required string Title { get; set; }
    public required string Kind { get; set; }
    public DateTimeOffset DueAt { get; set; }
    public required string Assignee { get; set; }
    public Guid? ContactId { get; set; }
    public required string Status { get; set; }
    public string? Note { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
    public string? CreatedBy { get; init; }
    public DateTimeOffset? CompletedAt { get; set; }
    public DateTimeOffset? DueNotifiedAt { get; set; }
}

public static class TaskStatuses
{
    public const string Open = "open";
    public const string Done = "done";
    public const string Cancelled = "cancelled";
    public static readonly IReadOnlySet<string> All = new SortedSet<string>(StringComparer.Ordinal) { Open, Done, Cancelled };
}

public static class TaskKinds
{
    public static readonly IReadOnlySet<string> All = new SortedSet<string>(StringComparer.Ordinal)
        { "call", "congratulate", "give-a-gift", "email", "meeting", "follow-up", "other" };
}
