using CustomerBase.Messaging;
using System.Security.Claims;
using CustomerBase.Segmentation.Affinity;
using CustomerBase.Segmentation.Infrastructure;
using CustomerBase.Segmentation.Model;
using CustomerBase.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace CustomerBase.Segmentation.Apis;

/// <summary>
/// One contact as segmentation sees it (attributes, statistics, metrics, segments) and the products to recommend to
/// them. Contact-level answers are personal data: contacts.read as well, and another team's contact is a 404 for a
/// sales manager.
/// </summary>
public static class ContactInsightsApi
{
    public static IEndpointRouteBuilder MapContactInsightsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/segments/contacts");
        api.MapGet("/{id:guid}", GetContactProfile).WithName(nameof(GetContactProfile))
            .RequireAuthorization(Permissions.SegmentsRead, Permissions.ContactsRead);
        api.MapGet("/{id:guid}/recommendations", GetRecommendations).WithName(nameof(GetRecommendations))
            .RequireAuthorization(Permissions.SegmentsRead, Permissions.ContactsRead);
        return app;
    }

    public static async Task<Results<Ok<ContactProfileResponse>, NotFound>> GetContactProfile(
        Guid id, ClaimsPrincipal user, SegmentationDbContext db, PersonalDataAccessLog<SegmentationDbContext> access, CancellationToken ct)
    {
        var profile = await db.ContactProfiles.AsNoTracking().FirstOrDefaultAsync(p => p.ContactId == id, ct);
        if (profile is null || !TeamScope.CanSee(user, profile.OwnerId, profile.Team))
        {
            return TypedResults.NotFound();
        }
        var segments = await db.SegmentMembers.AsNoTracking().Where(m => m.ContactId == id).Select(m => m.SegmentId).ToListAsync(ct);
        access.Record(user, "segments.contact", id, 1);
        return TypedResults.Ok(ContactProfileResponse.From(profile, segments));
    }

    public static async Task<Results<Ok<List<Recommendation>>, NotFound>> GetRecommendations(
        Guid id, int? limit, ClaimsPrincipal user, SegmentationDbContext db, CancellationToken ct)
    {
        var profile = await db.ContactProfiles.AsNoTracking().Where(p => p.ContactId == id).Select(p => new { p.OwnerId, p.Team }).FirstOrDefaultAsync(ct);
        if (profile is null || !TeamScope.CanSee(user, profile.OwnerId, profile.Team))
        {
            return TypedResults.NotFound();
        }
        return TypedResults.Ok(await ProductAffinity.RecommendAsync(db, id, Math.Clamp(limit ?? 10, 1, 100), ct));
    }
}

public sealed record ContactProfileResponse(
    Guid ContactId, string? FirstName, string? LastName, DateTimeOffset? CreatedAt,
    string? Gender, DateOnly? BirthDate, string? City, string? TimeZone, string? PreferredChannel, string? Language, IReadOnlyList<string> Tags,
    string? OwnerId, string? Team,
    int OrderCount, decimal TotalSpent, decimal? AverageOrder, DateTimeOffset? FirstOrderAt, DateTimeOffset? LastOrderAt,
    double? MedianIntervalDays, IReadOnlyList<string> TopCategories,
    string? Stage, RfmScore? Rfm, bool ChurnRisk, DateTimeOffset? NextPurchaseAt, IReadOnlyList<Guid> Segments)
{
    public static ContactProfileResponse From(ContactProfile p, IReadOnlyList<Guid> segments) => new(
        p.ContactId, p.FirstName, p.LastName, p.CreatedAt, p.Gender, p.BirthDate, p.City, p.TimeZone, p.PreferredChannel, p.Language, p.Tags,
        p.OwnerId, p.Team, p.OrderCount, p.TotalSpent, p.AverageOrder, p.FirstOrderAt, p.LastOrderAt, p.MedianIntervalDays, p.TopCategories,
        p.LifecycleStage, p.RfmRecency is { } r ? new RfmScore(r, p.RfmFrequency ?? 0, p.RfmMonetary ?? 0, p.RfmGroup) : null,
        p.ChurnRisk, p.NextPurchaseAt, segments);
}

public sealed record RfmScore(int Recency, int Frequency, int Monetary, string? Group);
