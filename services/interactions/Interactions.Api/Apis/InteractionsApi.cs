using System.Text.Json;
using CustomerBase.Interactions.Contracts;
using CustomerBase.Interactions.Infrastructure;
using CustomerBase.Interactions.Model;
using CustomerBase.Messaging;
using CustomerBase.ServiceDefaults;
using CustomerBase.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace CustomerBase.Interactions.Apis;

public static class InteractionsApi
{
    private static readonly JsonSerializerOptions PayloadJson = new(JsonSerializerDefaults.Web);

    public static IEndpointRouteBuilder MapInteractionsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/interactions");
        api.MapPost("/", RecordInteraction).WithName(nameof(RecordInteraction)).RequireAuthorization(Permissions.InteractionsWrite);
        api.MapGet("/{id:guid}", GetInteraction).WithName(nameof(GetInteraction)).RequireAuthorization(Permissions.InteractionsRead);
        return app;
    }

    public static async Task<Results<Created<InteractionResponse>, ValidationProblem, ProblemHttpResult>> RecordInteraction(
        RecordInteractionRequest request, InteractionsDbContext db, ContactChecker contacts, CancellationToken ct)
    {
        var errors = InteractionValidator.Validate(request);
        if (errors.IsEmpty)
        {
            switch (await contacts.ExistsAsync(request.ContactId!.Value, ct))
            {
                case null:
                    return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable,
                        title: "The contact cannot be checked right now; try again shortly.");
                case false:
                    // Unknown, or outside the caller's reach: the same answer, so neither can be probed.
                    errors.Add("contactId", "No such contact.");
                    break;
            }
        }
        if (!errors.IsEmpty)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var order = request.Order!;
        var payload = new OrderPayload(order.Number!.Trim(), order.Currency!, order.Total!.Value,
            order.Lines!.Select(l => new OrderLinePayload(l.Sku!.Trim(), l.Name, l.Category, l.Quantity!.Value, l.UnitPrice!.Value)).ToList());
        var now = DateTimeOffset.UtcNow;
        var interaction = new Interaction
        {
            Id = Guid.CreateVersion7(now),
            ContactId = request.ContactId!.Value,
            Kind = InteractionKinds.Order,
            OccurredAt = request.OccurredAt ?? now,
            RecordedAt = now,
            Payload = JsonSerializer.Serialize(payload, PayloadJson),
        };
        db.Interactions.Add(interaction);
        db.AddToOutbox(new OrderPlaced(interaction.Id, interaction.ContactId, payload.Number, interaction.OccurredAt,
            payload.Total, payload.Currency,
            payload.Lines.Select(l => new OrderLine(l.Sku, l.Name, l.Category, l.Quantity, l.UnitPrice)).ToList()));
        await db.SaveChangesAsync(ct);

        return TypedResults.Created($"/api/interactions/{interaction.Id}", InteractionResponse.From(interaction));
    }

    public static async Task<Results<Ok<InteractionResponse>, NotFound>> GetInteraction(Guid id, InteractionsDbContext db, CancellationToken ct)
    {
        var interaction = await db.Interactions.AsNoTracking().FirstOrDefaultAsync(i => i.Id == id, ct);
        return interaction is null ? TypedResults.NotFound() : TypedResults.Ok(InteractionResponse.From(interaction));
    }
}

public sealed record RecordInteractionRequest(Guid? ContactId, string? Kind, DateTimeOffset? OccurredAt, OrderRequest? Order);

public sealed record OrderRequest(string? Number, string? Currency, decimal? Total, List<OrderLineRequest>? Lines);

public sealed record OrderLineRequest(string? Sku, string? Name, string? Category, decimal? Quantity, decimal? UnitPrice);

public sealed record InteractionResponse(Guid Id, Guid ContactId, string Kind, DateTimeOffset OccurredAt, DateTimeOffset RecordedAt, JsonElement Payload)
{
    public static InteractionResponse From(Interaction i) =>
        new(i.Id, i.ContactId, i.Kind, i.OccurredAt, i.RecordedAt, JsonDocument.Parse(i.Payload).RootElement.Clone());
}
