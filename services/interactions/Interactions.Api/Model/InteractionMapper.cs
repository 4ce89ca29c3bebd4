using System.Text.Json;
using CustomerBase.Interactions.Apis;
using CustomerBase.Interactions.Contracts;

namespace CustomerBase.Interactions.Model;

/// <summary>Turns a validated request into the columns and the payload of an interaction, and an interaction into its events.</summary>
public static class InteractionMapper
{
    public static readonly JsonSerializerOptions PayloadJson = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>A new interaction from a request that passed <see cref="InteractionValidator.Validate"/>.</summary>
    public static Interaction ToInteraction(RecordInteractionRequest request, string? caller, DateTimeOffset now)
    {
        var (interaction, payload) = ToColumnsAndPayload(request, caller, now);
        interaction.Payload = PayloadText(payload);
        return interaction;
    }

    /// <summary>
    /// A new interaction's columns and its payload as an object, for the bulk path that writes the payload's JSON itself
    /// (<see cref="ImportBatchJson"/>): <see cref="Interaction.Payload"/> is left empty.
    /// </summary>
    public static (Interaction Interaction, object Payload) ToColumnsAndPayload(RecordInteractionRequest request, string? caller, DateTimeOffset now)
    {
        var interaction = new Interaction
        {
            Id = Guid.CreateVersion7(now),
            Kind = request.Kind!,
            RecordedAt = now,
            Payload = "",
        };
        return (interaction, ApplyColumns(interaction, request, caller, now));
    }

    /// <summary>Writes every field of a validated request over the interaction (a full correction). The kind stays.</summary>
    public static void Apply(Interaction interaction, RecordInteractionRequest request, string? caller, DateTimeOffset now)
        => interaction.Payload = PayloadText(ApplyColumns(interaction, request, caller, now));

    private static string PayloadText(object payload) => JsonSerializer.Serialize(payload, payload.GetType(), PayloadJson);

    /// <summary>Sets the columns from the request; returns the kind's payload.</summary>
    private static object ApplyColumns(Interaction interaction, RecordInteractionRequest request, string? caller, DateTimeOffset now)
    {
        interaction.ContactId = request.ContactId!.Value;
        interaction.CompanyId = request.CompanyId;
        interaction.OccurredAt = (request.OccurredAt ?? now).ToUniversalTime();
        interaction.Channel = request.Channel ?? DefaultChannel(request);
        interaction.Direction = request.Direction;
        interaction.Author = Trimmed(request.Author) ?? caller;
        interaction.Subject = Trimmed(request.Subject);
        interaction.Note = Trimmed(request.Note);
        (interaction.Status, var payload) = StatusAndPayload(request, now);
        return payload;
    }

    private static (string? Status, object Payload) StatusAndPayload(RecordInteractionRequest r, DateTimeOffset now) => r.Kind switch
    {
        InteractionKinds.Call => (null, new CallPayload(r.Call?.DurationSeconds, r.Call?.Outcome, r.Call?.RecordingUrl)),
        InteractionKinds.Email => (null, new EmailPayload(Trimmed(r.Email?.ThreadId))),
        InteractionKinds.Meeting => (null, new MeetingPayload(r.Meeting?.DurationMinutes, Trimmed(r.Meeting?.Location), r.Meeting?.Attendees)),
        InteractionKinds.Visit => (null, new VisitPayload(Trimmed(r.Visit?.Location), r.Visit?.DurationMinutes, r.Visit?.Services)),
        InteractionKinds.Message => (null, new MessagePayload(r.Message!.Messenger!, Trimmed(r.Message.ThreadId))),
        InteractionKinds.Order => OrderStatusAndPayload(r.Order!),
        InteractionKinds.Complaint => CaseStatusAndPayload(r.Complaint, now),
        InteractionKinds.Request => CaseStatusAndPayload(r.Request, now),
        InteractionKinds.Review => (null, new ReviewPayload(r.Review!.Rating!.Value, Trimmed(r.Review.Source))),
        InteractionKinds.Survey => (null, new SurveyPayload(r.Survey!.Survey!.Trim(), Trimmed(r.Survey.Question), r.Survey.Answer!.Trim(), r.Survey.Score)),
        InteractionKinds.Note => (null, new NotePayload()),
        _ => throw new ArgumentOutOfRangeException(nameof(r), r.Kind, "Unknown kind; validate first."),
    };

    private static (string?, object) OrderStatusAndPayload(OrderRequest order)
    {
        var status = order.Status ?? OrderPipeline.New;
        var payment = order.PaymentStatus ?? (status is OrderPipeline.New or OrderPipeline.Cancelled ? PaymentStatuses.Pending : PaymentStatuses.Paid);
        return (status, new OrderPayload(order.Number!.Trim(), order.Currency!, order.Total!.Value,
            order.Lines!.Select(l => new OrderLinePayload(l.Sku!.Trim(), Trimmed(l.Name), Trimmed(l.Category), l.Quantity!.Value, l.UnitPrice!.Value)).ToList(),
            payment));
    }

    private static (string?, object) CaseStatusAndPayload(CaseRequest? details, DateTimeOffset now)
    {
        var status = details?.Status ?? CasePipeline.Open;
        return (status, new CasePayload(Trimmed(details?.Category), Trimmed(details?.Resolution), status == CasePipeline.Resolved ? now : null));
    }

    private static string? DefaultChannel(RecordInteractionRequest r) => r.Kind switch
    {
        InteractionKinds.Call => "phone",
        InteractionKinds.Email => "email",
        InteractionKinds.Message => r.Message?.Messenger is "sms" or "whatsapp" or "telegram" ? r.Message.Messenger : "chat",
        InteractionKinds.Meeting or InteractionKinds.Visit => "in-person",
        _ => null,
    };

    private static string? Trimmed(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    public static OrderPayload Order(this Interaction interaction) =>
        JsonSerializer.Deserialize<OrderPayload>(interaction.Payload, PayloadJson)!;

    public static InteractionRecorded Recorded(this Interaction i) =>
        new(i.Id, i.ContactId, i.CompanyId, i.Kind, i.OccurredAt, i.Channel, i.Direction, i.Author, i.Status);

    public static OrderPlaced Placed(this Interaction i, OrderPayload order, bool imported = false) =>
        new(i.Id, i.ContactId, order.Number, i.OccurredAt, order.Total, order.Currency, Lines(order), i.Status, order.PaymentStatus, imported);

    public static OrderStatusChanged StatusChanged(this Interaction i, OrderPayload order, string previousStatus, DateTimeOffset at) =>
        new(i.Id, i.ContactId, order.Number, previousStatus, i.Status!, order.PaymentStatus ?? PaymentStatuses.Pending, at, order.Total, order.Currency, Lines(order));

    private static List<OrderLine> Lines(OrderPayload order) =>
        order.Lines.Select(l => new OrderLine(l.Sku, l.Name, l.Category, l.Quantity, l.UnitPrice)).ToList();
}
