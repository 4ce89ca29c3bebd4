namespace CustomerBase.Consent.Model;

/// <summary>A person's request to be erased, tracked until every service has answered or the deadline passed.</summary>
public sealed class ErasureRequest
{
    public Guid Id { get; init; }
    public Guid ContactId { get; init; }
    public required string RequestedBy { get; init; }
    public DateTimeOffset RequestedAt { get; init; }
    public DateTimeOffset Deadline { get; init; }
    public DateTimeOffset? CompletedAt { get; set; }
    public List<ErasureAnswer> Answers { get; init; } = [];

    public string Status(DateTimeOffset now) =>
        CompletedAt is not null ? "completed" : now > Deadline ? "overdue" : "pending";
}

/// <summary>One service's part of an erasure: when it was last asked, how often, and when it answered.</summary>
public sealed class ErasureAnswer
{
    public Guid RequestId { get; init; }
    public required string Service { get; init; }
    public int Attempts { get; set; }
    public DateTimeOffset LastSentAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }
    public string? Detail { get; set; }
}
