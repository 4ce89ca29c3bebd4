namespace CustomerBase.Interactions.Model;

// What each kind keeps in its jsonb payload (camelCase JSON). Common fields (subject, note, status) are columns.

public sealed record CallPayload(int? DurationSeconds, string? Outcome, string? RecordingUrl);

public sealed record EmailPayload(string? ThreadId);

public sealed record MeetingPayload(int? DurationMinutes, string? Location, IReadOnlyList<string>? Attendees);

public sealed record VisitPayload(string? Location, int? DurationMinutes, IReadOnlyList<string>? Services);

public sealed record MessagePayload(string Messenger, string? ThreadId);

public sealed record OrderPayload(string Number, string Currency, decimal Total, IReadOnlyList<OrderLinePayload> Lines, string? PaymentStatus = null);

public sealed record OrderLinePayload(string Sku, string? Name, string? Category, decimal Quantity, decimal UnitPrice);

/// <summary>A complaint or a request: open until resolved, with the resolution.</summary>
public sealed record CasePayload(string? Category, string? Resolution, DateTimeOffset? ResolvedAt);

public sealed record ReviewPayload(int Rating, string? Source);

public sealed record SurveyPayload(string Survey, string? Question, string Answer, decimal? Score);

public sealed record NotePayload;
