using System.Security.Claims;
using CustomerBase.Consent.Infrastructure;
using CustomerBase.Consent.Model;
using CustomerBase.ServiceDefaults;
using CustomerBase.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CustomerBase.Consent.Apis;

/// <summary>The ledger: record grants, withdrawals, objections and restrictions; read a contact's history and current state.</summary>
public static class ConsentApi
{
    public static IEndpointRouteBuilder MapConsentApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/consent");
        api.MapPost("/{contactId:guid}/records", RecordConsent).WithName(nameof(RecordConsent)).RequireAuthorization(Permissions.ConsentWrite);
        api.MapPost("/{contactId:guid}/grants", GrantConsent).WithName(nameof(GrantConsent)).RequireAuthorization(Permissions.ConsentWrite);
        api.MapPost("/records", RecordConsentBatch).WithName(nameof(RecordConsentBatch)).RequireAuthorization(Permissions.ConsentWrite);
        api.MapGet("/{contactId:guid}/history", GetConsentHistory).WithName(nameof(GetConsentHistory)).RequireAuthorization(Permissions.ConsentRead);
        api.MapGet("/{contactId:guid}/state", GetConsentState).WithName(nameof(GetConsentState)).RequireAuthorization(Permissions.ConsentRead);
        return app;
    }

    /// <summary>Appends one entry (or one per channel, for a channel-less objection or restriction).</summary>
    public static async Task<Results<Created<List<RecordedEntry>>, ValidationProblem>> RecordConsent(
        Guid contactId, ConsentRecordRequest request, ConsentLedger ledger, IOptions<ConsentPolicy> policy, ClaimsPrincipal user, CancellationToken ct)
    {
        var recorded = await AppendAsync([request with { ContactId = contactId }], _ => "", ledger, policy.Value, user, ct);
        return recorded.Errors is { } errors
            ? TypedResults.ValidationProblem(errors)
            : TypedResults.Created($"/api/consent/{contactId}/history", recorded.Entries);
    }

    /// <summary>A grant: the same as POST records with action "grant" (kept for clients of the first version).</summary>
    public static Task<Results<Created<List<RecordedEntry>>, ValidationProblem>> GrantConsent(
        Guid contactId, ConsentRecordRequest request, ConsentLedger ledger, IOptions<ConsentPolicy> policy, ClaimsPrincipal user, CancellationToken ct) =>
        RecordConsent(contactId, request with { Action = ConsentActions.Grant }, ledger, policy, user, ct);

    /// <summary>Many entries in one transaction (an import): all are recorded, or none when any is invalid.</summary>
    public static async Task<Results<Ok<List<RecordedEntry>>, ValidationProblem>> RecordConsentBatch(
        ConsentBatchRequest request, ConsentLedger ledger, IOptions<ConsentPolicy> policy, ClaimsPrincipal user, CancellationToken ct)
    {
        if (request.Records is not { Count: > 0 and <= ConsentRecordFactory.MaxBatch } records)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["records"] = [$"Between 1 and {ConsentRecordFactory.MaxBatch} records."],
            });
        }
        var recorded = await AppendAsync(records, i => $"records[{i}].", ledger, policy.Value, user, ct);
        return recorded.Errors is { } errors ? TypedResults.ValidationProblem(errors) : TypedResults.Ok(recorded.Entries);
    }

    private static async Task<(List<RecordedEntry> Entries, IDictionary<string, string[]>? Errors)> AppendAsync(
        IReadOnlyList<ConsentRecordRequest?> requests, Func<int, string> path, ConsentLedger ledger, ConsentPolicy policy, ClaimsPrincipal user, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var (records, tokens) = new ConsentRecordFactory(policy).Build(requests, AuditTrail.Actor(user), DateTimeOffset.UtcNow, errors, path);
        if (!errors.IsEmpty)
        {
            return ([], errors.ToDictionary());
        }
        await ledger.AppendAsync(records, AuditTrail.Actor(user), db => db.DoubleOptInTokens.AddRange(tokens.Select(t => t.Token)), ct);

        var secrets = tokens.ToDictionary(t => t.Token.PendingRecordId);
        return (records.Select(r => secrets.TryGetValue(r.Id, out var t)
            ? new RecordedEntry(ConsentRecordResponse.From(r), t.Secret, t.Token.ExpiresAt)
            : new RecordedEntry(ConsentRecordResponse.From(r), null, null)).ToList(), null);
    }

    public static async Task<Ok<List<ConsentRecordResponse>>> GetConsentHistory(Guid contactId, ConsentDbContext db, CancellationToken ct)
    {
        var records = await db.ConsentRecords.AsNoTracking()
            .Where(r => r.ContactId == contactId)
            .OrderBy(r => r.Sequence)
            .ToListAsync(ct);
        return TypedResults.Ok(records.Select(ConsentRecordResponse.From).ToList());
    }

    /// <summary>The current state per purpose and channel, with the decision a check would give now (suppression aside: it is per address).</summary>
    public static async Task<Ok<List<ConsentStateResponse>>> GetConsentState(Guid contactId, ConsentDbContext db, IOptions<ConsentPolicy> policy, CancellationToken ct)
    {
        var now = DateTimeOffset.UtcNow;
        var states = await db.ConsentStates.AsNoTracking().Where(s => s.ContactId == contactId).OrderBy(s => s.Purpose).ThenBy(s => s.Channel).ToListAsync(ct);
        return TypedResults.Ok(states.Select(s => new ConsentStateResponse(
            s.Purpose, s.Channel, s.Status, s.LegalBasis, s.ExpiresAt, s.Block, s.ChangedAt,
            ReasonNames.Of(s.Decide(now, policy.Value)))).ToList());
    }
}

public sealed record ConsentStateResponse(
    string Purpose, string Channel, string Status, string? LegalBasis, DateTimeOffset? ExpiresAt, string? Block, DateTimeOffset ChangedAt, string Decision);

public static class ReasonNames
{
    /// <summary><c>CONSENT_REASON_NO_CONSENT</c> → <c>noConsent</c>, as campaigns names reasons.</summary>
    public static string Of(Contracts.Grpc.ConsentReason reason)
    {
        var name = reason.ToString();
        return char.ToLowerInvariant(name[0]) + name[1..];
    }
}
