using CustomerBase.Consent.Model;
using CustomerBase.ServiceDefaults;
using CustomerBase.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using CustomerBase.Consent.Infrastructure;

namespace CustomerBase.Consent.Apis;

public static class ConsentApi
{
    public static IEndpointRouteBuilder MapConsentApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/consent");
        api.MapPost("/{contactId:guid}/grants", GrantConsent).WithName(nameof(GrantConsent)).RequireAuthorization(Permissions.ConsentWrite);
        api.MapGet("/{contactId:guid}/history", GetConsentHistory).WithName(nameof(GetConsentHistory)).RequireAuthorization(Permissions.ConsentRead);
        return app;
    }

    public static async Task<Results<Created<ConsentRecordResponse>, ValidationProblem>> GrantConsent(
        Guid contactId, GrantConsentRequest request, ConsentLedger ledger, CancellationToken ct)
    {
        var errors = Validate(request);
        if (!errors.IsEmpty)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var now = DateTimeOffset.UtcNow;
        var record = await ledger.AppendAsync(new ConsentRecord
        {
            Id = Guid.CreateVersion7(now),
            ContactId = contactId,
            Purpose = request.Purpose!,
            Channel = request.Channel!,
            Action = ConsentVocabulary.Grant,
            LegalBasis = request.LegalBasis ?? "consent",
            Source = request.Source ?? "api",
            Evidence = request.Evidence,
            PolicyVersion = request.PolicyVersion,
            RecordedAt = now,
            ExpiresAt = request.ExpiresAt,
        }, ct);
        return TypedResults.Created($"/api/consent/{contactId}/history", ConsentRecordResponse.From(record));
    }

    public static async Task<Ok<List<ConsentRecordResponse>>> GetConsentHistory(Guid contactId, ConsentDbContext db, CancellationToken ct)
    {
        var records = await db.ConsentRecords.AsNoTracking()
            .Where(r => r.ContactId == contactId)
            .OrderBy(r => r.RecordedAt).ThenBy(r => r.Id)
            .ToListAsync(ct);
        return TypedResults.Ok(records.Select(ConsentRecordResponse.From).ToList());
    }

    private static ValidationErrors Validate(GrantConsentRequest request)
    {
        var errors = new ValidationErrors()
            .OneOf("purpose", request.Purpose, ConsentVocabulary.Purposes, required: true)
            .OneOf("channel", request.Channel, ConsentVocabulary.Channels, required: true)
            .OneOf("legalBasis", request.LegalBasis, ConsentVocabulary.LegalBases)
            .OneOf("source", request.Source, ConsentVocabulary.Sources);
        errors.MaxLength("evidence", request.Evidence, 1000).MaxLength("policyVersion", request.PolicyVersion, 40);
        if (request.ExpiresAt is { } expires && expires <= DateTimeOffset.UtcNow)
        {
            errors.Add("expiresAt", "Must be in the future.");
        }
        return errors;
    }
}

public sealed record GrantConsentRequest(string? Purpose, string? Channel, string? LegalBasis, string? Source, string? Evidence, string? PolicyVersion, DateTimeOffset? ExpiresAt);

public sealed record ConsentRecordResponse(Guid Id, Guid ContactId, string Purpose, string Channel, string Action, string LegalBasis, string Source, string? Evidence, string? PolicyVersion, DateTimeOffset RecordedAt, DateTimeOffset? ExpiresAt)
{
    public static ConsentRecordResponse From(ConsentRecord r) =>
        new(r.Id, r.ContactId, r.Purpose, r.Channel, r.Action, r.LegalBasis, r.Source, r.Evidence, r.PolicyVersion, r.RecordedAt, r.ExpiresAt);
}
