using CustomerBase.Messaging;
using System.Buffers.Text;
using System.Text;
using CustomerBase.Interactions.Infrastructure;
using CustomerBase.Interactions.Model;
using CustomerBase.ServiceDefaults;
using CustomerBase.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace CustomerBase.Interactions.Apis;

/// <summary>
/// A contact's timeline, newest first, in keyset pages over the index (contact_id, occurred_at desc, id desc):
/// filtered by kind and period, and searched by the words of subjects and notes.
/// </summary>
public static class TimelineApi
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;

    public static IEndpointRouteBuilder MapTimelineApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("api/interactions", GetTimeline).WithName(nameof(GetTimeline)).RequireAuthorization(Permissions.InteractionsRead);
        return app;
    }

    /// <param name="contactId">Whose timeline (required).</param>
    /// <param name="kind">Kinds to show, comma-separated (<c>order,call</c>); all when absent.</param>
    /// <param name="from">Occurred at or after.</param>
    /// <param name="to">Occurred before.</param>
    /// <param name="q">Words that must all appear in the subject or the note (web-search syntax: "quoted phrase", -not).</param>
    /// <param name="limit">Page size, 1–200 (50).</param>
    /// <param name="after">The <c>next</c> cursor of the previous page.</param>
    public static async Task<Results<Ok<TimelinePage>, ValidationProblem, NotFound, ProblemHttpResult>> GetTimeline(
        Guid? contactId, string? kind, DateTimeOffset? from, DateTimeOffset? to, string? q, int? limit, string? after,
        InteractionsDbContext db, ContactChecker contacts, PersonalDataAccessLog<InteractionsDbContext> access, HttpContext http, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        if (contactId is null || contactId == Guid.Empty)
        {
            errors.Add("contactId", "This field is required.");
        }
        var kinds = kind?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
        foreach (var k in kinds.Where(k => !InteractionKinds.All.Contains(k)))
        {
            errors.Add("kind", $"Unknown kind '{k}'; one of: {string.Join(", ", InteractionKinds.All)}.");
        }
        if (limit is < 1 or > MaxLimit)
        {
            errors.Add("limit", $"Between 1 and {MaxLimit}.");
        }
        if (from is not null && to is not null && from >= to)
        {
            errors.Add("to", "Must be later than 'from'.");
        }
        errors.MaxLength("q", q, 200);
        Cursor? cursor = null;
        if (after is not null && (cursor = Cursor.Parse(after)) is null)
        {
            errors.Add("after", "Not a cursor this service gave out.");
        }
        if (!errors.IsEmpty)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        switch (await contacts.ExistsAsync(contactId!.Value, ContactCaller.From(http), ct))
        {
            case null: return InteractionsApi.Unavailable();
            case false: return TypedResults.NotFound();
        }

        var query = db.Interactions.AsNoTracking().Where(i => i.ContactId == contactId);
        if (kinds.Length > 0)
        {
            query = query.Where(i => kinds.Contains(i.Kind));
        }
        if (from?.ToUniversalTime() is { } since)
        {
            query = query.Where(i => i.OccurredAt >= since);
        }
        if (to?.ToUniversalTime() is { } until)
        {
            query = query.Where(i => i.OccurredAt < until);
        }
        if (!string.IsNullOrWhiteSpace(q))
        {
            query = query.Where(i => i.Search.Matches(EF.Functions.WebSearchToTsQuery("simple", q)));
        }
        if (cursor is { } c)
        {
            // Row comparison: one range on the index instead of an OR the planner cannot use as a bound.
            query = query.Where(i => EF.Functions.LessThan(ValueTuple.Create(i.OccurredAt, i.Id), ValueTuple.Create(c.OccurredAt, c.Id)));
        }
        var size = limit ?? DefaultLimit;
        var page = await query.OrderByDescending(i => i.OccurredAt).ThenByDescending(i => i.Id).Take(size + 1)
            .Select(WithoutSearchVector).ToListAsync(ct);

        access.Record(http.User, "interactions.timeline", contactId, Math.Min(page.Count, size), q is null ? null : "search");
        var next = page.Count > size ? new Cursor(page[size - 1].OccurredAt, page[size - 1].Id).ToString() : null;
        return TypedResults.Ok(new TimelinePage(page.Take(size).Select(InteractionResponse.From).ToList(), next));
    }

    // The tsvector is for the index, not the answer: reading and parsing it would cost more than the rest of the row.
    private static readonly System.Linq.Expressions.Expression<Func<Interaction, Interaction>> WithoutSearchVector = i => new Interaction
    {
        Id = i.Id, ContactId = i.ContactId, CompanyId = i.CompanyId, Kind = i.Kind, OccurredAt = i.OccurredAt, RecordedAt = i.RecordedAt,
        Channel = i.Channel, Direction = i.Direction, Author = i.Author, Subject = i.Subject, Note = i.Note, Status = i.Status, Payload = i.Payload,
    };

    private sealed record Cursor(DateTimeOffset OccurredAt, Guid Id)
    {
        public override string ToString() =>
            Base64Url.EncodeToString(Encoding.ASCII.GetBytes($"{OccurredAt.UtcTicks}.{Id:N}"));

        public static Cursor? Parse(string text)
        {
            try
            {
                var parts = Encoding.ASCII.GetString(Base64Url.DecodeFromChars(text)).Split('.');
                return parts.Length == 2 && long.TryParse(parts[0], out var ticks) && ticks is >= 0 and <= 3155378975999999999 && Guid.TryParseExact(parts[1], "N", out var id)
                    ? new Cursor(new DateTimeOffset(ticks, TimeSpan.Zero), id)
                    : null;
            }
            catch (FormatException)
            {
                return null;
            }
        }
    }
}

public sealed record TimelinePage(IReadOnlyList<InteractionResponse> Items, string? Next);
