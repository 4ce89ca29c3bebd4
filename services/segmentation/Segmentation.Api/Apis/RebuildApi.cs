using System.Security.Claims;
using CustomerBase.Segmentation.Infrastructure;
using CustomerBase.Segmentation.Metrics;
using CustomerBase.Segmentation.Model;
using CustomerBase.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace CustomerBase.Segmentation.Apis;

/// <summary>Rebuild jobs: recompute every statistic, metric and segment from the stored contacts and orders, with progress.</summary>
public static class RebuildApi
{
    public static IEndpointRouteBuilder MapRebuildApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/segments/rebuilds");
        api.MapPost("/", StartRebuild).WithName(nameof(StartRebuild)).RequireAuthorization(Permissions.SegmentsWrite);
        api.MapGet("/{id:guid}", GetRebuild).WithName(nameof(GetRebuild)).RequireAuthorization(Permissions.SegmentsRead);
        return app;
    }

    public static async Task<Accepted<RebuildResponse>> StartRebuild(ClaimsPrincipal user, SegmentationDbContext db, RebuildRunner runner, TimeProvider clock, CancellationToken ct)
    {
        var job = new RebuildJob { Id = Guid.CreateVersion7(), CreatedAt = clock.GetUtcNow(), RequestedBy = user.FindFirst(ClaimNames.Subject)?.Value };
        db.RebuildJobs.Add(job);
        await db.SaveChangesAsync(ct);
        runner.Wake();
        return TypedResults.Accepted($"/api/segments/rebuilds/{job.Id}", RebuildResponse.From(job));
    }

    public static async Task<Results<Ok<RebuildResponse>, NotFound>> GetRebuild(Guid id, SegmentationDbContext db, CancellationToken ct) =>
        await db.RebuildJobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == id, ct) is { } job ? TypedResults.Ok(RebuildResponse.From(job)) : TypedResults.NotFound();
}

/// <summary>A rebuild job: <c>status</c> queued, running, completed or failed; the <c>step</c> running and how many of <c>stepsTotal</c> are done.</summary>
public sealed record RebuildResponse(
    Guid Id, string Status, string? Step, int StepsDone, int StepsTotal, long Contacts, string? Error,
    DateTimeOffset CreatedAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt)
{
    public static RebuildResponse From(RebuildJob j) =>
        new(j.Id, j.Status, j.Step, j.StepsDone, j.StepsTotal, j.Contacts, j.Error, j.CreatedAt, j.StartedAt, j.FinishedAt);
}
