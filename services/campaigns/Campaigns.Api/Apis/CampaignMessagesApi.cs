using System.Security.Claims;
using CustomerBase.Campaigns.Contracts;
using CustomerBase.Campaigns.Infrastructure;
using CustomerBase.Campaigns.Model;
using CustomerBase.Campaigns.Model.Templates;
using CustomerBase.Contacts.Contracts.Grpc;
using CustomerBase.Messaging;
using CustomerBase.ServiceDefaults;
using CustomerBase.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace CustomerBase.Campaigns.Apis;

/// <summary>A campaign's messages: a preview for any contact, a test send, the statistics, and the per-recipient list.</summary>
public static class CampaignMessagesApi
{
    public static IEndpointRouteBuilder MapCampaignMessagesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/campaigns/{id:guid}");
        api.MapPost("/preview", PreviewMessage).WithName(nameof(PreviewMessage)).RequireAuthorization(Permissions.CampaignsWrite);
        api.MapPost("/test-send", TestSend).WithName(nameof(TestSend)).RequireAuthorization(Permissions.CampaignsWrite);
        api.MapGet("/statistics", GetStatistics).WithName(nameof(GetStatistics)).RequireAuthorization(Permissions.CampaignsRead);
        api.MapGet("/messages", ListMessages).WithName(nameof(ListMessages)).RequireAuthorization(Permissions.CampaignsRead);
        return app;
    }

    public sealed record PreviewRequest(Guid? ContactId);
    public sealed record PreviewResponse(Guid ContactId, string? Address, string? Subject, string Body);
    public sealed record TestSendRequest(Guid? ContactId, string? Address);

    /// <summary>The message as this contact would get it (with the caller's view of the contact).</summary>
    public static async Task<Results<Ok<PreviewResponse>, NotFound, ValidationProblem>> PreviewMessage(
        Guid id, PreviewRequest request, CampaignsDbContext db, ContactsDirectory.ContactsDirectoryClient contacts, UnsubscribeLinks links,
        PersonalDataAccessLog<CampaignsDbContext> access, ClaimsPrincipal user, CancellationToken ct)
    {
        var campaign = await db.Campaigns.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, ct);
        if (campaign is null)
        {
            return TypedResults.NotFound();
        }
        if (request.ContactId is not { } contactId)
        {
            return TypedResults.ValidationProblem(new ValidationErrors().Add("contactId", "This field is required.").ToDictionary());
        }
        var lookup = new GetContactsRequest();
        lookup.Ids.Add(contactId.ToString());
        var reply = await contacts.GetContactsAsync(lookup, cancellationToken: ct);
        if (reply.Contacts.Count == 0)
        {
            return TypedResults.ValidationProblem(new ValidationErrors().Add("contactId", "No such contact.").ToDictionary());
        }
        var card = RecipientCard.From(reply.Contacts[0]);
        var activity = await db.ContactActivities.AsNoTracking().SingleOrDefaultAsync(a => a.ContactId == contactId, ct);
        var values = TemplateFields.For(card, activity, campaign.Id, campaign.Name, links.For(campaign, contactId));
        var compiled = CompiledCampaign.Compile(campaign);
        access.Record(user, "campaigns.preview", contactId, 1);
        return TypedResults.Ok(new PreviewResponse(contactId, card.AddressFor(campaign.Channel), compiled.Subject?.Render(values), compiled.Body.Render(values)));
    }

    /// <summary>
    /// Sends the message as <c>contactId</c> would get it to one test address (a colleague's inbox), marked as a test
    /// in the subject. It is not a campaign message: no consent check, no statistics.
    /// </summary>
    public static async Task<Results<Accepted, NotFound, ValidationProblem>> TestSend(
        Guid id, TestSendRequest request, CampaignsDbContext db, ContactsDirectory.ContactsDirectoryClient contacts, UnsubscribeLinks links,
        PersonalDataAccessLog<CampaignsDbContext> access, ClaimsPrincipal user, TimeProvider time, CancellationToken ct)
    {
        var errors = new ValidationErrors().Required("address", request.Address).MaxLength("address", request.Address, 320);
        if (request.ContactId is null)
        {
            errors.Add("contactId", "This field is required: whose data fills the template.");
        }
        if (!errors.IsEmpty)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }
        var preview = await PreviewMessage(id, new PreviewRequest(request.ContactId), db, contacts, links, access, user, ct); // audited as a preview
        if (preview.Result is not Ok<PreviewResponse> { Value: { } message })
        {
            return preview.Result as NotFound is { } notFound ? notFound : (ValidationProblem)preview.Result;
        }
        var campaign = await db.Campaigns.AsNoTracking().SingleAsync(c => c.Id == id, ct);
        var now = time.GetUtcNow();
        db.AddToOutbox(new DeliverMessage(Guid.CreateVersion7(), campaign.Id, request.ContactId!.Value, campaign.Channel, request.Address!.Trim(),
            "[test] " + message.Subject, message.Body, links.For(campaign, request.ContactId.Value) is { } link ? new Uri(link) : null,
            now, now.AddHours(1), campaign.Purpose));
        await db.SaveChangesAsync(ct);
        return TypedResults.Accepted((string?)null);
    }

    public static async Task<Results<Ok<CampaignStatistics>, NotFound>> GetStatistics(Guid id, CampaignsDbContext db, CancellationToken ct)
    {
        if (!await db.Campaigns.AnyAsync(c => c.Id == id, ct))
        {
            return TypedResults.NotFound();
        }
        return TypedResults.Ok(await CampaignStatistics.ForAsync(db, id, ct));
    }

    public sealed record MessageResponse(Guid Id, string Occurrence, Guid ContactId, string Channel, string Status, string? ExcludedReason,
        string? DeferredReason, DateTimeOffset NotBefore, DateTimeOffset? ReleasedAt, DateTimeOffset? SentAt, DateTimeOffset? FailedAt,
        string? OutcomeDetail);

    public static async Task<Results<Ok<List<MessageResponse>>, NotFound>> ListMessages(
        Guid id, CampaignsDbContext db, Guid? contactId, string? status, int? limit, CancellationToken ct)
    {
        if (!await db.Campaigns.AnyAsync(c => c.Id == id, ct))
        {
            return TypedResults.NotFound();
        }
        var query = db.Messages.AsNoTracking().Where(m => m.CampaignId == id);
        if (contactId is { } contact)
        {
            query = query.Where(m => m.ContactId == contact);
        }
        if (status is not null)
        {
            query = query.Where(m => m.Status == status);
        }
        var messages = await query.OrderBy(m => m.Id).Take(Math.Clamp(limit ?? 1000, 1, 10_000))
            .Select(m => new MessageResponse(m.Id, m.Occurrence, m.ContactId, m.Channel, m.Status, m.ExcludedReason, m.DeferredReason,
                m.NotBefore, m.ReleasedAt, m.SentAt, m.FailedAt, m.OutcomeDetail))
            .ToListAsync(ct);
        return TypedResults.Ok(messages);
    }
}
