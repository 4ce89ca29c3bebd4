using CustomerBase.Interactions.Model;
using CustomerBase.ServiceDefaults;

namespace CustomerBase.Interactions.Apis;

/// <summary>
/// Field-level checks of an interaction: the common fields, then the details of its kind (and no other kind's).
/// An order's total must equal its lines; a resolved complaint needs its resolution; a review's rating is 1–5.
/// </summary>
public static class InteractionValidator
{
    public const int MaxLines = 500;
    public const int MaxSubject = 500;
    public const int MaxNote = 20_000;

    private static readonly IReadOnlySet<string> CallOutcomes = new SortedSet<string>(StringComparer.Ordinal) { "answered", "no-answer", "busy", "voicemail", "failed" };
    private static readonly IReadOnlySet<string> Messengers = new SortedSet<string>(StringComparer.Ordinal) { "sms", "whatsapp", "telegram", "viber", "chat", "other" };

    public static ValidationErrors Validate(RecordInteractionRequest request)
    {
        var errors = new ValidationErrors();
        if (request.ContactId is null || request.ContactId == Guid.Empty)
        {
            errors.Add("contactId", "This field is required.");
        }
        if (request.CompanyId == Guid.Empty)
        {
            errors.Add("companyId", "Not a valid id.");
        }
        errors.OneOf("channel", request.Channel, Channels.All)
            .OneOf("direction", request.Direction, Directions.All)
            .MaxLength("author", request.Author, 200)
            .MaxLength("subject", request.Subject, MaxSubject)
            .MaxLength("note", request.Note, MaxNote);

        if (string.IsNullOrWhiteSpace(request.Kind))
        {
            errors.Add("kind", "This field is required.");
            return errors;
        }
        if (!InteractionKinds.All.Contains(request.Kind))
        {
            errors.Add("kind", $"Unsupported kind '{request.Kind}'; supported: {string.Join(", ", InteractionKinds.All)}.");
            return errors;
        }

        // A payload that does not fit its kind: details of another kind are refused, not silently dropped.
        foreach (var (kind, given) in DetailsGiven(request))
        {
            if (given && kind != request.Kind)
            {
                errors.Add(kind, $"Details of '{kind}' do not belong to an interaction of kind '{request.Kind}'.");
            }
        }

        switch (request.Kind)
        {
            case InteractionKinds.Call: ValidateCall(request.Call, errors); break;
            case InteractionKinds.Email: errors.Required("subject", request.Subject).MaxLength("email.threadId", request.Email?.ThreadId, 200); break;
            case InteractionKinds.Meeting: ValidateMeeting(request.Meeting, errors); break;
            case InteractionKinds.Visit: ValidateVisit(request.Visit, errors); break;
            case InteractionKinds.Message: ValidateMessage(request.Message, errors); break;
            case InteractionKinds.Order: ValidateOrder(request.Order, errors); break;
            case InteractionKinds.Complaint: ValidateCase("complaint", request.Complaint, errors); break;
            case InteractionKinds.Request: ValidateCase("request", request.Request, errors); break;
            case InteractionKinds.Review: ValidateReview(request.Review, errors); break;
            case InteractionKinds.Survey: ValidateSurvey(request.Survey, errors); break;
            case InteractionKinds.Note: errors.Required("note", request.Note); break;
        }
        return errors;
    }

    private static IEnumerable<(string Kind, bool Given)> DetailsGiven(RecordInteractionRequest r) =>
    [
        (InteractionKinds.Call, r.Call is not null), (InteractionKinds.Email, r.Email is not null),
        (InteractionKinds.Meeting, r.Meeting is not null), (InteractionKinds.Visit, r.Visit is not null),
        (InteractionKinds.Message, r.Message is not null), (InteractionKinds.Order, r.Order is not null),
        (InteractionKinds.Complaint, r.Complaint is not null), (InteractionKinds.Request, r.Request is not null),
        (InteractionKinds.Review, r.Review is not null), (InteractionKinds.Survey, r.Survey is not null),
    ];

    private static void ValidateCall(CallRequest? call, ValidationErrors errors)
    {
        if (call is null)
        {
            return;
        }
        if (call.DurationSeconds is < 0)
        {
            errors.Add("call.durationSeconds", "Must be zero or more.");
        }
        errors.OneOf("call.outcome", call.Outcome, CallOutcomes).MaxLength("call.recordingUrl", call.RecordingUrl, 2000);
        if (call.RecordingUrl is { } url && !(Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
        {
            errors.Add("call.recordingUrl", "An absolute http(s) link.");
        }
    }

    private static void ValidateMeeting(MeetingRequest? meeting, ValidationErrors errors)
    {
        if (meeting is null)
        {
            return;
        }
        if (meeting.DurationMinutes is < 0)
        {
            errors.Add("meeting.durationMinutes", "Must be zero or more.");
        }
        errors.MaxLength("meeting.location", meeting.Location, 500);
        if (meeting.Attendees is { Count: > 100 })
        {
            errors.Add("meeting.attendees", "At most 100 attendees.");
        }
    }

    private static void ValidateVisit(VisitRequest? visit, ValidationErrors errors)
    {
        if (visit is null)
        {
            return;
        }
        if (visit.DurationMinutes is < 0)
        {
            errors.Add("visit.durationMinutes", "Must be zero or more.");
        }
        errors.MaxLength("visit.location", visit.Location, 500);
        if (visit.Services is { Count: > 100 })
        {
            errors.Add("visit.services", "At most 100 services.");
        }
    }

    private static void ValidateMessage(MessageRequest? message, ValidationErrors errors)
    {
        if (message is null)
        {
            errors.Add("message", "An interaction of kind 'message' needs its messenger.");
            return;
        }
        errors.OneOf("message.messenger", message.Messenger, Messengers, required: true).MaxLength("message.threadId", message.ThreadId, 200);
    }

    private static void ValidateOrder(OrderRequest? order, ValidationErrors errors)
    {
        if (order is null)
        {
            errors.Add("order", "An interaction of kind 'order' needs an order.");
            return;
        }
        errors.Required("order.number", order.Number).MaxLength("order.number", order.Number, 100)
            .OneOf("order.status", order.Status, OrderPipeline.Statuses)
            .OneOf("order.paymentStatus", order.PaymentStatus, PaymentStatuses.All);
        if (order.Currency is null || !Currencies.Iso4217.Contains(order.Currency))
        {
            errors.Add("order.currency", "An ISO 4217 currency code in capitals, e.g. EUR.");
        }

        var lines = order.Lines ?? [];
        if (lines.Count == 0)
        {
            errors.Add("order.lines", "An order needs at least one line.");
        }
        else if (lines.Count > MaxLines)
        {
            errors.Add("order.lines", $"At most {MaxLines} lines.");
        }

        var linesValid = true;
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            var field = $"order.lines[{i}]";
            if (line is null) { errors.Add(field, "A line is required."); linesValid = false; continue; }
            if (string.IsNullOrWhiteSpace(line.Sku)) { errors.Add($"{field}.sku", "This field is required."); linesValid = false; }
            errors.MaxLength($"{field}.sku", line.Sku, 100).MaxLength($"{field}.name", line.Name, 500).MaxLength($"{field}.category", line.Category, 200);
            if (line.Quantity is not > 0) { errors.Add($"{field}.quantity", "Must be greater than zero."); linesValid = false; }
            if (line.UnitPrice is not >= 0) { errors.Add($"{field}.unitPrice", "Must be zero or more."); linesValid = false; }
        }

        if (order.Total is null)
        {
            errors.Add("order.total", "This field is required.");
        }
        else if (linesValid && lines.Count > 0)
        {
            var sum = OrderMath.Total(lines.Select(l => (l.Quantity!.Value, l.UnitPrice!.Value)));
            if (sum != order.Total.Value)
            {
                errors.Add("order.total", $"Must equal the sum of the lines ({sum}).");
            }
        }
    }

    private static void ValidateCase(string field, CaseRequest? details, ValidationErrors errors)
    {
        if (details is null)
        {
            return;
        }
        errors.OneOf($"{field}.status", details.Status, CasePipeline.Statuses)
            .MaxLength($"{field}.category", details.Category, 200)
            .MaxLength($"{field}.resolution", details.Resolution, MaxNote);
        if (details.Status == CasePipeline.Resolved && string.IsNullOrWhiteSpace(details.Resolution))
        {
            errors.Add($"{field}.resolution", "A resolved case needs its resolution.");
        }
    }

    private static void ValidateReview(ReviewRequest? review, ValidationErrors errors)
    {
        if (review?.Rating is not (>= 1 and <= 5))
        {
            errors.Add("review.rating", "A rating from 1 to 5 is required.");
        }
        errors.MaxLength("review.source", review?.Source, 200);
    }

    private static void ValidateSurvey(SurveyRequest? survey, ValidationErrors errors)
    {
        if (survey is null)
        {
            errors.Add("survey", "An interaction of kind 'survey' needs the survey and the answer.");
            return;
        }
        errors.Required("survey.survey", survey.Survey).MaxLength("survey.survey", survey.Survey, 200)
            .MaxLength("survey.question", survey.Question, 1000)
            .Required("survey.answer", survey.Answer).MaxLength("survey.answer", survey.Answer, MaxNote);
    }

    /// <summary>Checks a status change against the kind's pipeline; 400 for what is not a status, the caller answers 409 for a disallowed move.</summary>
    public static ValidationErrors ValidateStatusChange(Interaction interaction, ChangeStatusRequest request)
    {
        var errors = new ValidationErrors();
        switch (interaction.Kind)
        {
            case InteractionKinds.Order:
                errors.OneOf("status", request.Status, OrderPipeline.Statuses, required: request.PaymentStatus is null)
                    .OneOf("paymentStatus", request.PaymentStatus, PaymentStatuses.All);
                if (request.Resolution is not null)
                {
                    errors.Add("resolution", "Only complaints and requests have a resolution.");
                }
                break;
            case InteractionKinds.Complaint or InteractionKinds.Request:
                errors.OneOf("status", request.Status, CasePipeline.Statuses, required: true).MaxLength("resolution", request.Resolution, MaxNote);
                if (request.Status == CasePipeline.Resolved && string.IsNullOrWhiteSpace(request.Resolution))
                {
                    errors.Add("resolution", "A resolved case needs its resolution.");
                }
                if (request.PaymentStatus is not null)
                {
                    errors.Add("paymentStatus", "Only orders have a payment status.");
                }
                break;
            default:
                errors.Add("status", $"An interaction of kind '{interaction.Kind}' has no status.");
                break;
        }
        return errors;
    }
}

public static class OrderMath
{
    /// <summary>Sum of quantity × unit price, rounded half away from zero to cents as invoices are.</summary>
    public static decimal Total(IEnumerable<(decimal Quantity, decimal UnitPrice)> lines) =>
        Math.Round(lines.Sum(l => l.Quantity * l.UnitPrice), 2, MidpointRounding.AwayFromZero);
}
