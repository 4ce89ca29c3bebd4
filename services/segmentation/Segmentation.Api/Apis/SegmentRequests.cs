using System.Text.Json;
using CustomerBase.Segmentation.Model;

namespace CustomerBase.Segmentation.Apis;

/// <summary>A segment to create or change. <c>rule</c> is the text form (a string) or the JSON form (an object); static lists have none.</summary>
public sealed record SegmentRequest(string? Name, string? Description, string? Kind, JsonElement? Rule);

/// <summary>An unsaved rule to count, with up to <c>sampleSize</c> (default 10, at most 100) matching contacts.</summary>
public sealed record PreviewRequest(JsonElement? Rule, int? SampleSize);

public sealed record MembersRequest(IReadOnlyList<Guid>? ContactIds);

public sealed record SegmentResponse(
    Guid Id, string Name, string? Description, string Kind, JsonElement? Rule, string? RuleText, bool TimeBased, long Members,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? EvaluatedAt)
{
    public static SegmentResponse From(Segment s, long members) => new(
        s.Id, s.Name, s.Description, s.Kind, s.Rule is null ? null : JsonDocument.Parse(s.Rule).RootElement.Clone(), s.RuleText, s.TimeBased,
        members, s.CreatedAt, s.UpdatedAt, s.EvaluatedAt);
}

public sealed record ContactSample(Guid ContactId, string? FirstName, string? LastName, string? Stage, int OrderCount, decimal TotalSpent);

public sealed record PreviewResponse(long Count, IReadOnlyList<ContactSample>? Sample, bool TimeBased);

public sealed record MembersChangedResponse(int Changed, IReadOnlyList<Guid> Unknown);

public sealed record MembersPage(IReadOnlyList<Guid> ContactIds, Guid? Next);
