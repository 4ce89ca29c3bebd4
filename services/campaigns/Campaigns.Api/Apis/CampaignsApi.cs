using CustomerBase.Campaigns.Model;
using CustomerBase.Segmentation.Contracts.Grpc;
using CustomerBase.ServiceDefaults;
using CustomerBase.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CustomerBase.Campaigns.Apis;

public static class CampaignsApi
{
    public const int MaxListedContacts = 100_000;

    public static IEndpointRouteBuilder MapCampaignsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/campaigns");
        // Preparing a campaign: it reads the audience (segments) and consent on the caller's behalf.
        api.MapPost("/audience-preview", PreviewAudience).WithName(nameof(PreviewAudience)).RequireAuthorization(Permissions.CampaignsWrite);
        return app;
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
