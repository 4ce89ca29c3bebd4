using System.Security.Claims;
using CustomerBase.Consent.Infrastructure;
using CustomerBase.Consent.Model;
using CustomerBase.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace CustomerBase.Consent.Apis;

/// <summary>
/// Double opt-in: a pending grant becomes valid when its token comes back. The person follows a link on the channel
/// being confirmed to the company's own page, whose back end (holding consent.write) posts the token here.
/// </summary>
public static class DoubleOptInApi
{
    public static IEndpointRouteBuilder MapDoubleOptInApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("api/consent/confirmations", ConfirmDoubleOptIn).WithName(nameof(ConfirmDoubleOptIn)).RequireAuthorization(Permissions.ConsentWrite);
        return app;
    }

    public static async Task<Results<Ok<ConsentRecordResponse>, ValidationProblem>> ConfirmDoubleOptIn(
        ConfirmationRequest request, ConsentDbContext db, ConsentLedger ledger, ClaimsPrincipal user, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.Token) || request.Token.Length > 200)
        {
            return Invalid("This field is required: the token from the confirmation message.");
        }
        var hash = DoubleOptInTokens.Hash(request.Token);
        var now = DateTimeOffset.UtcNow;

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // Claiming the token and recording the confirmation commit together; of two concurrent uses one claims it.
        var claimed = await db.DoubleOptInTokens
            .Where(t => t.TokenHash == hash && t.UsedAt == null && t.ExpiresAt > now)
            .ExecuteUpdateAsync(set => set.SetProperty(t => t.UsedAt, now), ct);
        var token = await db.DoubleOptInTokens.AsNoTracking().FirstOrDefaultAsync(t => t.TokenHash == hash, ct);
        if (claimed == 0 || token is null)
        {
            return token switch
            {
                null => Invalid("Not a valid confirmation token."),
                { UsedAt: not null } => Invalid("This token was already used."),
                _ => Invalid($"This token expired at {token.ExpiresAt:u}; the grant must be given again."),
            };
        }
        var state = await db.ConsentStates.AsNoTracking()
            .FirstOrDefaultAsync(s => s.ContactId == token.ContactId && s.Purpose == token.Purpose && s.Channel == token.Channel, ct);
        if (state?.PendingRecordId != token.PendingRecordId)
        {
            return Invalid("The grant this token confirms was withdrawn or replaced since.");
        }
        var pending = await db.ConsentRecords.AsNoTracking().FirstAsync(r => r.Id == token.PendingRecordId, ct);
        var confirmation = new ConsentRecord
        {
            Id = Guid.CreateVersion7(now),
            ContactId = token.ContactId,
            Action = ConsentActions.Confirmation,
            Purpose = token.Purpose,
            Channel = token.Channel,
            LegalBasis = pending.LegalBasis,
            Source = "double-opt-in",
            PolicyVersion = pending.PolicyVersion,
            RecordedBy = AuditTrail.Actor(user),
            RecordedAt = now,
            ExpiresAt = pending.ExpiresAt,
            RelatesTo = pending.Id,
        };
        await ledger.AppendAsync([confirmation], AuditTrail.Actor(user), alongside: null, ct);
        await transaction.CommitAsync(ct);
        return TypedResults.Ok(ConsentRecordResponse.From(confirmation));
    }

    private static ValidationProblem Invalid(string why) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["token"] = [why] });
}

public sealed record ConfirmationRequest(string? Token);
