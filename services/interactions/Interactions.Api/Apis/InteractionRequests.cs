using System.Text.Json;
using CustomerBase.Interactions.Model;

namespace CustomerBase.Interactions.Apis;

/// <summary>
/// An interaction to record (or, in full, to correct). Common fields at the top; the kind's details in the property
/// named after the kind (<c>order</c>, <c>call</c>, <c>complaint</c> …). The same shape is one line of a JSON-lines import.
/// </summary>
public sealed record RecordInteractionRequest(
    Guid? ContactId,
    string? Kind,
    DateTimeOffset? OccurredAt,
    OrderRequest? Order,
    Guid? CompanyId = null,
    string? Channel = null,
    string? Direction = null,
    string? Author = null,
    string? Subject = null,
    string? Note = null,
    CallRequest? Call = null,
    EmailRequest? Email = null,
    MeetingRequest? Meeting = null,
    VisitRequest? Visit = null,
    MessageRequest? Message = null,
    CaseRequest? Complaint = null,
    CaseRequest? Request = null,
    ReviewRequest? Review = null,
    SurveyRequest? Survey = null);

public sealed record OrderRequest(string? Number, string? Currency, decimal? Total, List<OrderLineRequest>? Lines, string? Status = null, string? PaymentStatus = null);

public sealed record OrderLineRequest(string? Sku, string? Name, string? Category, decimal? Quantity, decimal? UnitPrice);

public sealed record CallRequest(int? DurationSeconds, string? Outcome, string? RecordingUrl);

public sealed record EmailRequest(string? ThreadId);

public sealed record MeetingRequest(int? DurationMinutes, string? Location, List<string>? Attendees);

public sealed record VisitRequest(string? Location, int? DurationMinutes, List<string>? Services);

public sealed record MessageRequest(string? Messenger, string? ThreadId);

/// <summary>A complaint or a request: <c>status</c> open (the default) or resolved, which needs the resolution.</summary>
public sealed record CaseRequest(string? Category, string? Status, string? Resolution);

public sealed record ReviewRequest(int? Rating, string? Source);

public sealed record SurveyRequest(string? Survey, string? Question, string? Answer, decimal? Score);

/// <summary>Moves an order (new → paid → shipped → delivered, cancelled, returned) or a complaint/request (open ↔ resolved).</summary>
public sealed record ChangeStatusRequest(string? Status, string? PaymentStatus, string? Resolution);

public sealed record InteractionResponse(
    Guid Id,
    Guid ContactId,
    Guid? CompanyId,
    string Kind,
    DateTimeOffset OccurredAt,
    DateTimeOffset RecordedAt,
    string? Channel,
    string? Direction,
    string? Author,
    string? Subject,
    string? Note,
    string? Status,
    JsonElement Payload)
{
    public static InteractionResponse From(Interaction i) =>
        new(i.Id, i.ContactId, i.CompanyId, i.Kind, i.OccurredAt, i.RecordedAt, i.Channel, i.Direction, i.Author, i.Subject, i.Note,
            i.Status, JsonDocument.Parse(i.Payload).RootElement.Clone());
}
