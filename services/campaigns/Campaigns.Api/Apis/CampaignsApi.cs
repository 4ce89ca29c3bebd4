using CustomerBase.Campaigns.Infrastructure;
using CustomerBase.Campaigns.Model;
using CustomerBase.Segmentation.Contracts.Grpc;
using CustomerBase.ServiceDefaults;
using CustomerBase.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CustomerBase.Campaigns.Apis;

public static class CampaignsApi
{
    public const int MaxListedContacts = 100_000;

    public static IEndpointRouteBuilder MapCampaignsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/campaigns");
        // Preparing a campaign: it reads the audience (segments) and consent on the caller's behalf.
        api.MapPost("/audience-preview", PreviewAudience).WithName(nameof(PreviewAudience)).RequireAuthorization(Permissions.CampaignsWrite);
        api.MapPost("/", CreateCampaign).WithName(nameof(CreateCampaign)).RequireAuthorization(Permissions.CampaignsWrite);
        api.MapGet("/", ListCampaigns).WithName(nameof(ListCampaigns)).RequireAuthorization(Permissions.CampaignsRead);
        api.MapGet("/{id:guid}", GetCampaign).WithName(nameof(GetCampaign)).RequireAuthorization(Permissions.CampaignsRead);
        api.MapPut("/{id:guid}", UpdateCampaign).WithName(nameof(UpdateCampaign)).RequireAuthorization(Permissions.CampaignsWrite);
        return app;
    }

    public static async Task<Results<Created<CampaignResponse>, ValidationProblem>> CreateCampaign(
        CampaignRequest request, CampaignsDbContext db, IOptions<CampaignsOptions> options, TimeProvider time, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var errors = CampaignValidator.Validate(request, options.Value.SmsMaxLength, now);
        if (!errors.IsEmpty)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }
        var campaign = new Campaign { Id = Guid.CreateVersion7(), Name = "", Purpose = "", Channel = "", Body = "", CreatedAt = now, UpdatedAt = now };
        CampaignValidator.Apply(request, campaign);
        db.Campaigns.Add(campaign);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/campaigns/{campaign.Id}", CampaignResponse.From(campaign));
    }

    public static async Task<Ok<List<CampaignResponse>>> ListCampaigns(CampaignsDbContext db, string? status, int? limit, CancellationToken ct)
    {
        var query = db.Campaigns.AsNoTracking();
        if (status is not null)
        {
            query = query.Where(c => c.Status == status);
        }
        var campaigns = await query.OrderByDescending(c => c.CreatedAt).Take(Math.Clamp(limit ?? 100, 1, 1000)).ToListAsync(ct);
        return TypedResults.Ok(campaigns.Select(CampaignResponse.From).ToList());
    }

    public static async Task<Results<Ok<CampaignResponse>, NotFound>> GetCampaign(Guid id, CampaignsDbContext db, CancellationToken ct) =>
        await db.Campaigns.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, ct) is { } campaign
            ? TypedResults.Ok(CampaignResponse.From(campaign))
            : TypedResults.NotFound();

    /// <summary>A draft (or a paused campaign's text and policies) may change; what already ran may not.</summary>
    public static async Task<Results<Ok<CampaignResponse>, NotFound, ValidationProblem>> UpdateCampaign(
        Guid id, CampaignRequest request, CampaignsDbContext db, IOptions<CampaignsOptions> options, TimeProvider time, CancellationToken ct)
    {
        var campaign = await db.Campaigns.SingleOrDefaultAsync(c => c.Id == id, ct);
        if (campaign is null)
        {
            return TypedResults.NotFound();
        }
        var errors = CampaignValidator.Validate(request, options.Value.SmsMaxLength, time.GetUtcNow());
        if (campaign.Status is not (CampaignStatus.Draft or CampaignStatus.Paused))
        {
            errors.Add("status", $"A {campaign.Status} campaign cannot be changed; pause it first (or create a new one).");
        }
        if (!errors.IsEmpty)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }
        CampaignValidator.Apply(request, campaign);
        campaign.UpdatedAt = time.GetUtcNow();
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(CampaignResponse.From(campaign));
    }

    /// <summary>How many of an audience may be messaged now for a purpose on a channel; the rest counted by reason.</summary>
    public static async Task<Results<Ok<AudiencePreviewResponse>, ValidationProblem>> PreviewAudience(
        AudiencePreviewRequest request, AudiencePreviewer previewer, CancellationToken ct)
    {
        var errors = new ValidationErrors().Required("purpose", request.Purpose).Required("channel", request.Channel);
        var audience = new ResolveAudienceRequest();
        switch (request.Audience)
        {
            case null:
                errors.Add("audience", "This field is required: { \"all\": true } or { \"contactIds\": [...] }.");
                break;
            case { All: true, ContactIds: not null }:
                errors.Add("audience", "Give either all or contactIds, not both.");
                break;
            case { All: true }:
                audience.All = new AllContacts();
                break;
            case { ContactIds: { Count: > MaxListedContacts } }:
                errors.Add("audience.contactIds", $"At most {MaxListedContacts} contacts; use a segment for more.");
                break;
            case { ContactIds: { } ids }:
                audience.ContactIds = new ContactIdList();
                audience.ContactIds.Ids.AddRange(ids.Select(id => id.ToString()));
                break;
            default:
                errors.Add("audience", "Give { \"all\": true } or { \"contactIds\": [...] }.");
                break;
        }
        if (!errors.IsEmpty)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var preview = await previewer.PreviewAsync(audience, request.Purpose!, request.Channel!, ct);
        return TypedResults.Ok(new AudiencePreviewResponse(preview.Total, preview.Allowed, preview.Denied, preview.DeniedReasons));
    }
}

public sealed record AudienceSelector(bool? All, List<Guid>? ContactIds);

public sealed record AudiencePreviewRequest(string? Purpose, string? Channel, AudienceSelector? Audience);

public sealed record AudiencePreviewResponse(int Total, int Allowed, int Denied, IReadOnlyDictionary<string, int> DeniedReasons);
