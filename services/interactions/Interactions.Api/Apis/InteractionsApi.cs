using System.Security.Claims;
using CustomerBase.Interactions.Contracts;
using CustomerBase.Interactions.Infrastructure;
using CustomerBase.Interactions.Model;
using CustomerBase.Messaging;
using CustomerBase.ServiceDefaults;
using CustomerBase.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace CustomerBase.Interactions.Apis;

/// <summary>Record, read, correct and delete interactions; move an order or a case along its pipeline.</summary>
public static class InteractionsApi
{
    public static IEndpointRouteBuilder MapInteractionsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/interactions");
        api.MapPost("/", RecordInteraction).WithName(nameof(RecordInteraction)).RequireAuthorization(Permissions.InteractionsWrite);
        api.MapGet("/{id:guid}", GetInteraction).WithName(nameof(GetInteraction)).RequireAuthorization(Permissions.InteractionsRead);
        api.MapPut("/{id:guid}", CorrectInteraction).WithName(nameof(CorrectInteraction)).RequireAuthorization(Permissions.InteractionsWrite);
        api.MapDelete("/{id:guid}", DeleteInteraction).WithName(nameof(DeleteInteraction)).RequireAuthorization(Permissions.InteractionsWrite);
        api.MapPost("/{id:guid}/status", ChangeStatus).WithName(nameof(ChangeStatus)).RequireAuthorization(Permissions.InteractionsWrite);
        return app;
    }

    public static async Task<Results<Created<InteractionResponse>, ValidationProblem, ProblemHttpResult>> RecordInteraction(
        RecordInteractionRequest request, InteractionsDbContext db, ContactChecker contacts, HttpContext http, CancellationToken ct)
    {
        var errors = InteractionValidator.Validate(request);
        if (errors.IsEmpty && await CheckContactAsync(request.ContactId!.Value, contacts, http, errors, ct) is { } unavailable)
        {
            return unavailable;
        }
        if (!errors.IsEmpty)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var interaction = InteractionMapper.ToInteraction(request, Caller(http.User), DateTimeOffset.UtcNow);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        db.Interactions.Add(interaction);
        db.AddToOutbox(interaction.Recorded());
        if (interaction.Kind == InteractionKinds.Order)
        {
            db.AddToOutbox(interaction.Placed(interaction.Order()));
        }
        await db.SaveChangesAsync(ct);
        if (interaction.Kind == InteractionKinds.Order)
        {
            await db.RefreshAsync([interaction.ContactId], ct);
        }
        await transaction.CommitAsync(ct);

        return TypedResults.Created($"/api/interactions/{interaction.Id}", InteractionResponse.From(interaction));
    }

    public static async Task<Results<Ok<InteractionResponse>, NotFound, ProblemHttpResult>> GetInteraction(
        Guid id, InteractionsDbContext db, ContactChecker contacts, PersonalDataAccessLog<InteractionsDbContext> access, HttpContext http, CancellationToken ct)
    {
        var interaction = await db.Interactions.AsNoTracking().FirstOrDefaultAsync(i => i.Id == id, ct);
        switch (await VisibleAsync(interaction, contacts, http, ct))
        {
            case null: return Unavailable();
            case false: return TypedResults.NotFound();
        }
        access.Record(http.User, "interactions.read", interaction!.ContactId, 1);
        return TypedResults.Ok(InteractionResponse.From(interaction));
    }

    /// <summary>A full correction: every field as in the request (the kind cannot change). A changed order status must follow the pipeline.</summary>
    public static async Task<Results<Ok<InteractionResponse>, NotFound, ValidationProblem, ProblemHttpResult>> CorrectInteraction(
        Guid id, RecordInteractionRequest request, InteractionsDbContext db, ContactChecker contacts, HttpContext http, CancellationToken ct)
    {
        var interaction = await db.Interactions.FirstOrDefaultAsync(i => i.Id == id, ct);
        switch (await VisibleAsync(interaction, contacts, http, ct))
        {
            case null: return Unavailable();
            case false: return TypedResults.NotFound();
        }

        var errors = InteractionValidator.Validate(request);
        if (request.Kind is not null && request.Kind != interaction!.Kind)
        {
            errors.Add("kind", $"The kind cannot change (it is '{interaction.Kind}'); delete and record anew.");
        }
        if (errors.IsEmpty && request.ContactId != interaction!.ContactId
            && await CheckContactAsync(request.ContactId!.Value, contacts, http, errors, ct) is { } unavailable)
        {
            return unavailable;
        }
        if (!errors.IsEmpty)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var previousContact = interaction!.ContactId;
        var previousStatus = interaction.Status;
        var now = DateTimeOffset.UtcNow;
        InteractionMapper.Apply(interaction, request, interaction.Author, now);
        if (previousStatus is not null && interaction.Status is not null && !Allows(interaction.Kind, previousStatus, interaction.Status))
        {
            return DisallowedMove(interaction.Kind, previousStatus, interaction.Status);
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        db.AddToOutbox(new InteractionCorrected(interaction.Id, interaction.ContactId, previousContact, interaction.Kind, interaction.OccurredAt, now));
        if (interaction.Kind == InteractionKinds.Order && previousStatus != interaction.Status)
        {
            db.AddToOutbox(interaction.StatusChanged(interaction.Order(), previousStatus!, now));
        }
        await db.SaveChangesAsync(ct);
        if (interaction.Kind == InteractionKinds.Order)
        {
            await db.RefreshAsync([previousContact, interaction.ContactId], ct);
        }
        await transaction.CommitAsync(ct);
        return TypedResults.Ok(InteractionResponse.From(interaction));
    }

    public static async Task<Results<NoContent, NotFound, ProblemHttpResult>> DeleteInteraction(
        Guid id, InteractionsDbContext db, ContactChecker contacts, HttpContext http, CancellationToken ct)
    {
        var interaction = await db.Interactions.FirstOrDefaultAsync(i => i.Id == id, ct);
        switch (await VisibleAsync(interaction, contacts, http, ct))
        {
            case null: return Unavailable();
            case false: return TypedResults.NotFound();
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        db.Interactions.Remove(interaction!);
        db.AddToOutbox(new InteractionDeleted(interaction!.Id, interaction.ContactId, interaction.Kind, DateTimeOffset.UtcNow));
        await db.SaveChangesAsync(ct);
        if (interaction.Kind == InteractionKinds.Order)
        {
            await db.RefreshAsync([interaction.ContactId], ct);
        }
        await transaction.CommitAsync(ct);
        return TypedResults.NoContent();
    }

    /// <summary>Moves an order or a complaint/request along its pipeline; a move the pipeline does not allow is 409.</summary>
    public static async Task<Results<Ok<InteractionResponse>, NotFound, ValidationProblem, ProblemHttpResult>> ChangeStatus(
        Guid id, ChangeStatusRequest request, InteractionsDbContext db, ContactChecker contacts, HttpContext http, CancellationToken ct)
    {
        var interaction = await db.Interactions.FirstOrDefaultAsync(i => i.Id == id, ct);
        switch (await VisibleAsync(interaction, contacts, http, ct))
        {
            case null: return Unavailable();
            case false: return TypedResults.NotFound();
        }
        var errors = InteractionValidator.ValidateStatusChange(interaction!, request);
        if (!errors.IsEmpty)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var previous = interaction!.Status!;
        var next = request.Status ?? previous;
        if (!Allows(interaction.Kind, previous, next))
        {
            return DisallowedMove(interaction.Kind, previous, next);
        }

        var now = DateTimeOffset.UtcNow;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        interaction.Status = next;
        if (interaction.Kind == InteractionKinds.Order)
        {
            var order = interaction.Order();
            var payment = request.PaymentStatus ?? (next == OrderPipeline.Paid ? PaymentStatuses.Paid : order.PaymentStatus);
            order = order with { PaymentStatus = payment };
            interaction.Payload = System.Text.Json.JsonSerializer.Serialize(order, InteractionMapper.PayloadJson);
            db.AddToOutbox(interaction.StatusChanged(order, previous, now));
        }
        else
        {
            var details = System.Text.Json.JsonSerializer.Deserialize<CasePayload>(interaction.Payload, InteractionMapper.PayloadJson)!;
            details = next == CasePipeline.Resolved
                ? details with { Resolution = request.Resolution!.Trim(), ResolvedAt = details.ResolvedAt ?? now }
                : details with { ResolvedAt = null };
            interaction.Payload = System.Text.Json.JsonSerializer.Serialize(details, InteractionMapper.PayloadJson);
            db.AddToOutbox(new InteractionCorrected(interaction.Id, interaction.ContactId, interaction.ContactId, interaction.Kind, interaction.OccurredAt, now));
        }
        await db.SaveChangesAsync(ct);
        if (interaction.Kind == InteractionKinds.Order)
        {
            await db.RefreshAsync([interaction.ContactId], ct);
        }
        await transaction.CommitAsync(ct);
        return TypedResults.Ok(InteractionResponse.From(interaction));
    }

    private static bool Allows(string kind, string from, string to) =>
        kind == InteractionKinds.Order ? OrderPipeline.Allows(from, to) : CasePipeline.Allows(from, to);

    private static ProblemHttpResult DisallowedMove(string kind, string from, string to) => TypedResults.Problem(
        statusCode: StatusCodes.Status409Conflict,
        title: $"A {kind} cannot move from '{from}' to '{to}'.",
        extensions: new Dictionary<string, object?>
        {
            ["errors"] = new Dictionary<string, string[]>
            {
                ["status"] = [kind == InteractionKinds.Order && OrderPipeline.NextOf(from) is { Count: > 0 } next
                    ? $"From '{from}' an order may move to: {string.Join(", ", next)}."
                    : $"'{from}' does not move to '{to}'."],
            },
        });

    internal static string? Caller(ClaimsPrincipal user) => user.FindFirst(ClaimNames.Subject)?.Value;

    internal static ProblemHttpResult Unavailable() => TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable,
        title: "The contact cannot be checked right now; try again shortly.");

    /// <summary>Adds a contactId error when the contact is unknown or out of reach; returns a 503 when contacts cannot be asked.</summary>
    internal static async Task<ProblemHttpResult?> CheckContactAsync(Guid contactId, ContactChecker contacts, HttpContext http, ValidationErrors errors, CancellationToken ct)
    {
        switch (await contacts.ExistsAsync(contactId, ContactCaller.From(http), ct))
        {
            case null:
                return Unavailable();
            case false:
                // Unknown, or outside the caller's reach: the same answer, so neither can be probed.
                errors.Add("contactId", "No such contact.");
                break;
        }
        return null;
    }

    /// <summary>An interaction exists for the caller when it exists and its contact is theirs to see (else 404, as for contacts).</summary>
    private static async Task<bool?> VisibleAsync(Interaction? interaction, ContactChecker contacts, HttpContext http, CancellationToken ct) =>
        interaction is null ? false : await contacts.ExistsAsync(interaction.ContactId, ContactCaller.From(http), ct);
}
