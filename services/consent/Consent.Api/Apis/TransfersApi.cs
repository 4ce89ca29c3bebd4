using System.Security.Claims;
using CustomerBase.Consent.Infrastructure;
using CustomerBase.Consent.Model;
using CustomerBase.ServiceDefaults;
using CustomerBase.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CustomerBase.Consent.Apis;

/// <summary>Transfers of a person's data to third parties: to whom, for what, on which basis, and when they were told.</summary>
public static class TransfersApi
{
    public static IEndpointRouteBuilder MapTransfersApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/consent/{contactId:guid}/transfers");
        api.MapPost("/", RecordTransfer).WithName(nameof(RecordTransfer)).RequireAuthorization(Permissions.ConsentWrite);
        api.MapGet("/", GetTransfers).WithName(nameof(GetTransfers)).RequireAuthorization(Permissions.ConsentRead);
        return app;
    }

    public static async Task<Results<Created<DataTransfer>, ValidationProblem>> RecordTransfer(
        Guid contactId, TransferRequest request, ConsentDbContext db, IOptions<ConsentPolicy> policy, ClaimsPrincipal user, CancellationToken ct)
    {
        var errors = new ValidationErrors()
            .Required("recipient", request.Recipient).MaxLength("recipient", request.Recipient, 200)
            .OneOf("purpose", request.Purpose, policy.Value.Purposes.Keys.ToHashSet(), required: true)
            .OneOf("legalBasis", request.LegalBasis, LegalBases.All, required: true)
            .MaxLength("categories", request.Categories, 500);
        if (request.TransferredAt is null)
        {
            errors.Add("transferredAt", "This field is required.");
        }
        if (request.InformedAt is { } informed && request.TransferredAt is { } transferred && informed < transferred.AddYears(-1))
        {
            errors.Add("informedAt", "Must not be more than a year before the transfer.");
        }
        if (!errors.IsEmpty)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }
        var now = DateTimeOffset.UtcNow;
        var actor = AuditTrail.Actor(user);
        var transfer = new DataTransfer
        {
            Id = Guid.CreateVersion7(now),
            ContactId = contactId,
            Recipient = request.Recipient!.Trim(),
            Purpose = request.Purpose!,
            LegalBasis = request.LegalBasis!,
            Categories = request.Categories,
            TransferredAt = request.TransferredAt!.Value,
            InformedAt = request.InformedAt,
            RecordedBy = actor,
            RecordedAt = now,
        };
        db.DataTransfers.Add(transfer);
        db.Audit(actor, "transfer.recorded", contactId, $"purpose={transfer.Purpose}");
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/consent/{contactId}/transfers", transfer);
    }

    public static async Task<Ok<List<DataTransfer>>> GetTransfers(Guid contactId, ConsentDbContext db, CancellationToken ct) =>
        TypedResults.Ok(await db.DataTransfers.AsNoTracking().Where(t => t.ContactId == contactId).OrderBy(t => t.TransferredAt).ToListAsync(ct));
}

public sealed record TransferRequest(string? Recipient, string? Purpose, string? LegalBasis, string? Categories, DateTimeOffset? TransferredAt, DateTimeOffset? InformedAt);
