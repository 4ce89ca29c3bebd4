using CustomerBase.Segmentation.Infrastructure;
using CustomerBase.Segmentation.Model;
using CustomerBase.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace CustomerBase.Segmentation.Apis;

public static class SegmentsApi
{
    public static IEndpointRouteBuilder MapSegmentsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/segments");
        // One contact's entry is personal data: it needs contacts.read as well (an analyst sees aggregates only).
        api.MapGet("/contacts/{id:guid}", GetContactProfile).WithName(nameof(GetContactProfile))
            .RequireAuthorization(Permissions.SegmentsRead, Permissions.ContactsRead);
        return app;
    }

    public static async Task<Results<Ok<ContactProfileResponse>, NotFound>> GetContactProfile(Guid id, SegmentationDbContext db, CancellationToken ct)
    {
        var profile = await db.ContactProfiles.AsNoTracking().FirstOrDefaultAsync(p => p.ContactId == id, ct);
        return profile is null ? TypedResults.NotFound() : TypedResults.Ok(ContactProfileResponse.From(profile));
    }
}

public sealed record ContactProfileResponse(
    Guid ContactId,
    string? FirstName,
    string? LastName,
    DateTimeOffset? CreatedAt,
    int OrderCount,
    decimal TotalSpent,
    DateTimeOffset? FirstOrderAt,
    DateTimeOffset? LastOrderAt)
{
    public static ContactProfileResponse From(ContactProfile p) =>
        new(p.ContactId, p.FirstName, p.LastName, p.CreatedAt, p.OrderCount, p.TotalSpent, p.FirstOrderAt, p.LastOrderAt);
}
