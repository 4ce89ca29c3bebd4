namespace CustomerBase.Interactions.Contracts;

/// <summary>
/// A task ("Call", "Congratulate", "Give a gift") fell due. Published exactly once per due time (a rescheduled task
/// is due again), so notifications and campaign tooling can act on it.
/// </summary>
public sealed record TaskDue(Guid TaskId, string Title, string Kind, DateTimeOffset DueAt, string Assignee, Guid? ContactId);
