using CustomerBase.Segmentation.Affinity;
using CustomerBase.Segmentation.Infrastructure;
using CustomerBase.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace CustomerBase.Segmentation.Apis;

/// <summary>Aggregates an analyst may read: products bought together, and the portrait of a segment.</summary>
public static class AnalyticsApi
{
    public static IEndpointRouteBuilder MapAnalyticsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/segments");
        api.MapGet("/products/{sku}/also-bought", GetAlsoBought).WithName(nameof(GetAlsoBought)).RequireAuthorization(Permissions.SegmentsRead);
        api.MapGet("/{id:guid}/portrait", GetPortrait).WithName(nameof(GetPortrait)).RequireAuthorization(Permissions.SegmentsRead);
        return app;
    }

    public static async Task<Results<Ok<List<AlsoBought>>, ValidationProblem>> GetAlsoBought(string sku, int? limit, SegmentationDbContext db, CancellationToken ct)
    {
        if (sku.Length > 200)
        {
            return RuleProblems.Field("sku", "At most 200 characters.");
        }
        return TypedResults.Ok(await ProductAffinity.AlsoBoughtAsync(db, sku, Math.Clamp(limit ?? 10, 1, 100), ct));
    }

    /// <summary>How a segment's members are distributed: age band, gender, city (the 10 largest), channel, stage, spend band.</summary>
    public static async Task<Results<Ok<SegmentPortrait>, NotFound>> GetPortrait(Guid id, SegmentationDbContext db, CancellationToken ct)
    {
        if (!await db.Segments.AnyAsync(s => s.Id == id, ct))
        {
            return TypedResults.NotFound();
        }
        var rows = await db.QueryAsync($"""
            WITH m AS (
                SELECT p.* FROM segment_members s JOIN contact_profiles p ON p.contact_id = s.contact_id WHERE s.segment_id = @segment
            ), d AS (
                SELECT 'age' AS dimension, CASE
                    WHEN birth_date IS NULL THEN 'unknown'
                    WHEN birth_date > @today - interval '18 years' THEN 'under 18'
                    WHEN birth_date > @today - interval '25 years' THEN '18-24'
                    WHEN birth_date > @today - interval '35 years' THEN '25-34'
                    WHEN birth_date > @today - interval '45 years' THEN '35-44'
                    WHEN birth_date > @today - interval '55 years' THEN '45-54'
                    WHEN birth_date > @today - interval '65 years' THEN '55-64'
                    ELSE '65+' END AS value FROM m
                UNION ALL SELECT 'gender', coalesce(gender, 'unknown') FROM m
                UNION ALL SELECT 'city', coalesce(city, 'unknown') FROM m
                UNION ALL SELECT 'channel', coalesce(preferred_channel, 'unknown') FROM m
                UNION ALL SELECT 'stage', coalesce(lifecycle_stage, 'unknown') FROM m
                UNION ALL SELECT 'spend', CASE WHEN total_spent = 0 THEN '0' WHEN total_spent < 100 THEN '0-100'
                    WHEN total_spent < 500 THEN '100-500' WHEN total_spent < 1000 THEN '500-1000' ELSE '1000+' END FROM m
            ), counted AS (
                SELECT dimension, value, count(*) AS n, row_number() OVER (PARTITION BY dimension ORDER BY count(*) DESC, value) AS rank
                FROM d GROUP BY dimension, value
            )
            SELECT dimension, value, n FROM counted WHERE dimension <> 'city' OR rank <= 10 ORDER BY dimension, n DESC, value
            """, [new NpgsqlParameter("segment", id), new NpgsqlParameter("today", DateOnly.FromDateTime(DateTime.UtcNow))],
            r => (Dimension: r.GetString(0), Value: r.GetString(1), Count: r.GetInt64(2)), ct);
        var total = await db.SegmentMembers.LongCountAsync(m => m.SegmentId == id, ct);
        var spend = await db.SegmentMembers.Where(m => m.SegmentId == id)
            .Join(db.ContactProfiles, m => m.ContactId, p => p.ContactId, (m, p) => p.TotalSpent).SumAsync(ct);
        Dictionary<string, long> Of(string dimension) => rows.Where(r => r.Dimension == dimension).ToDictionary(r => r.Value, r => r.Count);
        return TypedResults.Ok(new SegmentPortrait(total, spend, Of("age"), Of("gender"), Of("city"), Of("channel"), Of("stage"), Of("spend")));
    }
}

public sealed record SegmentPortrait(
    long Members, decimal TotalSpent, IReadOnlyDictionary<string, long> Age, IReadOnlyDictionary<string, long> Gender,
    IReadOnlyDictionary<string, long> City, IReadOnlyDictionary<string, long> Channel, IReadOnlyDictionary<string, long> Stage,
    IReadOnlyDictionary<string, long> Spend);
