using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using CustomerBase.Consent.Contracts;
using CustomerBase.Consent.Infrastructure;
using CustomerBase.Consent.Model;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CustomerBase.Consent.Apis;

/// <summary>
/// The public unsubscribe link of every message (the only anonymous routes besides the API description).
/// GET shows a short page with one button; POST, from that button or from a mail client's one-click unsubscribe
/// (RFC 8058, <c>List-Unsubscribe=One-Click</c>), records the withdrawal. A token works once; a token not signed with
/// the deployment's key, or altered, answers 400 and records nothing.
/// </summary>
public static class UnsubscribeApi
{
    public static IEndpointRouteBuilder MapUnsubscribeApi(this IEndpointRouteBuilder app)
    {
        var unsubscribe = app.MapGroup("unsubscribe").AllowAnonymous().ExcludeFromDescription();
        unsubscribe.MapGet("/{token}", ShowUnsubscribePage).WithName(nameof(ShowUnsubscribePage));
        unsubscribe.MapPost("/{token}", Unsubscribe).WithName(nameof(Unsubscribe));
        return app;
    }

    public static Results<ContentHttpResult, ProblemHttpResult> ShowUnsubscribePage(string token, UnsubscribeToken tokens, IOptions<ConsentPolicy> policy)
    {
        if (Read(token, tokens, policy.Value) is not { } request)
        {
            return InvalidToken();
        }
        var action = HtmlEncoder.Default.Encode(token);
        return Page($"""
            <p>Stop <strong>{Describe(request)}</strong>?</p>
            <form method="post" action="{action}"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">Unsubscribe</button></form>
            """);
    }

    public static async Task<Results<ContentHttpResult, ProblemHttpResult>> Unsubscribe(
        string token, UnsubscribeToken tokens, IOptions<ConsentPolicy> policy, ConsentDbContext db, ConsentLedger ledger, CancellationToken ct)
    {
        if (Read(token, tokens, policy.Value) is not { } request)
        {
            return InvalidToken();
        }
        var now = DateTimeOffset.UtcNow;
        var tokenHash = SHA256.HashData(Encoding.ASCII.GetBytes(token));

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var first = await db.Database.ExecuteSqlAsync(
            $"INSERT INTO used_unsubscribe_tokens (token_hash, contact_id, used_at) VALUES ({tokenHash}, {request.ContactId}, {now}) ON CONFLICT DO NOTHING", ct);
        if (first == 0)
        {
            return Page($"<p>You had already unsubscribed from {Describe(request)} with this link.</p>");
        }
        var basis = await db.ConsentStates.AsNoTracking()
            .Where(s => s.ContactId == request.ContactId && s.Purpose == request.Purpose && s.Channel == request.Channel)
            .Select(s => s.LegalBasis).FirstOrDefaultAsync(ct);
        await ledger.AppendAsync([new ConsentRecord
        {
            Id = Guid.CreateVersion7(now),
            ContactId = request.ContactId,
            Action = ConsentActions.Withdraw,
            Purpose = request.Purpose,
            Channel = request.Channel,
            LegalBasis = basis ?? LegalBases.Consent,
            Source = "unsubscribe-link",
            RecordedBy = AuditTrail.DataSubject,
            RecordedAt = now,
            RelatesTo = request.CampaignId,
        }], AuditTrail.DataSubject, alongside: null, ct);
        await transaction.CommitAsync(ct);
        return Page($"<p>Done: no more {Describe(request)}.</p>");
    }

    private static UnsubscribeRequest? Read(string token, UnsubscribeToken tokens, ConsentPolicy policy) =>
        tokens.Read(token) is { } request && policy.IsPurpose(request.Purpose) && policy.IsChannel(request.Channel) ? request : null;

    private static string Describe(UnsubscribeRequest request) =>
        HtmlEncoder.Default.Encode($"{request.Purpose} messages by {request.Channel}");

    private static ContentHttpResult Page(string body) => TypedResults.Content($"""
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>Unsubscribe</title></head>
        <body>{body}</body></html>
        """, "text/html; charset=utf-8");

    private static ProblemHttpResult InvalidToken() => TypedResults.Problem(
        statusCode: StatusCodes.Status400BadRequest,
        title: "This unsubscribe link is not valid.",
        extensions: new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { ["token"] = ["Not a token this service issued, or it was altered."] } });
}
