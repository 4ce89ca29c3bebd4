using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CustomerBase.Messaging;
using CustomerBase.Segmentation.Infrastructure;
using CustomerBase.Segmentation.Model;
using CustomerBase.Segmentation.Rules;
using CustomerBase.Segmentation.Segments;
using CustomerBase.ServiceDefaults;
using CustomerBase.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CustomerBase.Segmentation.Apis;

/// <summary>Saved segments (dynamic rules and static lists), rule previews and the field whitelist.</summary>
public static class SegmentsApi
{
    public const int MaxSample = 100;

    public static IEndpointRouteBuilder MapSegmentsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/segments");
        api.MapGet("/", ListSegments).WithName(nameof(ListSegments)).RequireAuthorization(Permissions.SegmentsRead);
        api.MapGet("/{id:guid}", GetSegment).WithName(nameof(GetSegment)).RequireAuthorization(Permissions.SegmentsRead);
        api.MapPost("/", CreateSegment).WithName(nameof(CreateSegment)).RequireAuthorization(Permissions.SegmentsWrite);
        api.MapPut("/{id:guid}", UpdateSegment).WithName(nameof(UpdateSegment)).RequireAuthorization(Permissions.SegmentsWrite);
        api.MapDelete("/{id:guid}", DeleteSegment).WithName(nameof(DeleteSegment)).RequireAuthorization(Permissions.SegmentsWrite);
        api.MapPost("/{id:guid}/evaluate", EvaluateSegment).WithName(nameof(EvaluateSegment)).RequireAuthorization(Permissions.SegmentsWrite);
        api.MapPost("/preview", PreviewRule).WithName(nameof(PreviewRule)).RequireAuthorization(Permissions.SegmentsRead);
        api.MapGet("/fields", ListRuleFields).WithName(nameof(ListRuleFields)).RequireAuthorization(Permissions.SegmentsRead);
        return app;
    }

    public static async Task<Ok<List<SegmentResponse>>> ListSegments(SegmentationDbContext db, SegmentCounts counts, CancellationToken ct)
    {
        var segments = await db.Segments.AsNoTracking().OrderBy(s => s.Name).ThenBy(s => s.Id).ToListAsync(ct);
        var result = new List<SegmentResponse>(segments.Count);
        foreach (var segment in segments)
        {
            result.Add(SegmentResponse.From(segment, await counts.MembersAsync(segment.Id, ct)));
        }
        return TypedResults.Ok(result);
    }

    public static async Task<Results<Ok<SegmentResponse>, NotFound>> GetSegment(Guid id, SegmentationDbContext db, SegmentCounts counts, CancellationToken ct)
    {
        var segment = await db.Segments.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, ct);
        return segment is null ? TypedResults.NotFound() : TypedResults.Ok(SegmentResponse.From(segment, await counts.MembersAsync(id, ct)));
    }

    public static async Task<Results<Created<SegmentResponse>, ValidationProblem>> CreateSegment(
        SegmentRequest request, ClaimsPrincipal user, SegmentationDbContext db, SegmentEvaluator evaluator, SegmentCounts counts, TimeProvider clock, CancellationToken ct)
    {
        var errors = new ValidationErrors().Required("name", request.Name).MaxLength("name", request.Name, 200).MaxLength("description", request.Description, 2000)
            .OneOf("kind", request.Kind, new HashSet<string> { SegmentKinds.Dynamic, SegmentKinds.Static }, required: true);
        if (!errors.IsEmpty)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }
        var now = clock.GetUtcNow();
        var segment = new Segment
        {
            Id = Guid.CreateVersion7(), Name = request.Name!.Trim(), Description = request.Description, Kind = request.Kind!,
            CreatedBy = user.FindFirst(ClaimNames.Subject)?.Value, CreatedAt = now, UpdatedAt = now,
        };
        if (ApplyRule(segment, request.Rule, now) is { } problem)
        {
            return problem;
        }
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        db.Segments.Add(segment);
        await db.SaveChangesAsync(ct);
        if (segment.Kind == SegmentKinds.Dynamic)
        {
            // The first population is the segment's starting state, not a change: nothing is published for it.
            await evaluator.EvaluateSegmentAsync(segment, now, publish: false, ct);
        }
        await transaction.CommitAsync(ct);
        return TypedResults.Created($"/api/segments/{segment.Id}", SegmentResponse.From(segment, await counts.MembersAsync(segment.Id, ct)));
    }

    public static async Task<Results<Ok<SegmentResponse>, NotFound, ValidationProblem>> UpdateSegment(
        Guid id, SegmentRequest request, SegmentationDbContext db, SegmentEvaluator evaluator, SegmentCounts counts, OutboxSignal signal, TimeProvider clock, CancellationToken ct)
    {
        var errors = new ValidationErrors().Required("name", request.Name).MaxLength("name", request.Name, 200).MaxLength("description", request.Description, 2000);
        if (!errors.IsEmpty)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }
        var segment = await db.Segments.FirstOrDefaultAsync(s => s.Id == id, ct);
        if (segment is null)
        {
            return TypedResults.NotFound();
        }
        if (request.Kind is not null && request.Kind != segment.Kind)
        {
            return RuleProblems.Field("kind", "A segment's kind cannot change; create a new segment.");
        }
        var now = clock.GetUtcNow();
        segment.Name = request.Name!.Trim();
        segment.Description = request.Description;
        segment.UpdatedAt = now;
        if (ApplyRule(segment, request.Rule, now) is { } problem)
        {
            return problem;
        }
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.SaveChangesAsync(ct);
        if (segment.Kind == SegmentKinds.Dynamic)
        {
            await evaluator.EvaluateSegmentAsync(segment, now, publish: true, ct);
        }
        await transaction.CommitAsync(ct);
        signal.Notify();
        return TypedResults.Ok(SegmentResponse.From(segment, await counts.MembersAsync(id, ct)));
    }

    /// <summary>Deleting a segment publishes no Exited: the segment itself is gone, and campaigns resolve it to NOT_FOUND.</summary>
    public static async Task<Results<NoContent, NotFound>> DeleteSegment(Guid id, SegmentationDbContext db, SegmentCounts counts, CancellationToken ct)
    {
        var deleted = await db.Segments.Where(s => s.Id == id).ExecuteDeleteAsync(ct);
        await counts.ForgetAsync([id]);
        return deleted == 0 ? TypedResults.NotFound() : TypedResults.NoContent();
    }

    /// <summary>Re-evaluates a dynamic segment now (as the schedule would), publishing each change.</summary>
    public static async Task<Results<Ok<SegmentResponse>, NotFound, ValidationProblem>> EvaluateSegment(
        Guid id, SegmentationDbContext db, SegmentEvaluator evaluator, SegmentCounts counts, OutboxSignal signal, TimeProvider clock, CancellationToken ct)
    {
        var segment = await db.Segments.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, ct);
        if (segment is null)
        {
            return TypedResults.NotFound();
        }
        if (segment.Kind != SegmentKinds.Dynamic)
        {
            return RuleProblems.Field("kind", "Only a dynamic segment is evaluated; a static list changes by adding and removing members.");
        }
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            await evaluator.EvaluateSegmentAsync(segment, clock.GetUtcNow(), publish: true, ct);
            await transaction.CommitAsync(ct);
        }
        signal.Notify();
        var evaluated = await db.Segments.AsNoTracking().FirstAsync(s => s.Id == id, ct);
        return TypedResults.Ok(SegmentResponse.From(evaluated, await counts.MembersAsync(id, ct)));
    }

    public static async Task<Results<Ok<PreviewResponse>, ValidationProblem>> PreviewRule(
        PreviewRequest request, ClaimsPrincipal user, SegmentationDbContext db, SegmentCounts counts, PersonalDataAccessLog<SegmentationDbContext> access,
        IOptions<PreviewOptions> options, TimeProvider clock, CancellationToken ct)
    {
        if (request.Rule is not { ValueKind: JsonValueKind.String or JsonValueKind.Object } ruleJson)
        {
            return RuleProblems.Field("rule", "A rule is required: a string (the text form) or an object (the JSON form).");
        }
        var sampleSize = request.SampleSize ?? 10;
        if (sampleSize is < 0 or > MaxSample)
        {
            return RuleProblems.Field("sampleSize", $"From 0 to {MaxSample}.");
        }
        RuleNode rule;
        CompiledRule compiled;
        var parameters = new SqlParameters();
        var now = clock.GetUtcNow();
        try
        {
            rule = RuleReader.Read(ruleJson);
            compiled = SegmentRuleCompiler.Compile(rule, parameters, now);
        }
        catch (RuleException error)
        {
            return RuleProblems.From(error);
        }
        var (visible, visibleParameters) = ContactVisibility.For(user);
        var where = $"{SegmentEvaluator.KnownContact} AND {compiled.Predicate} AND {visible}";
        NpgsqlParameter[] Parameters() => [.. parameters.All.Select(p => p.Clone()), .. visibleParameters.Select(p => p.Clone())];

        // Cached by the rule's JSON form, who asks (their visible contacts) and the minute (relative dates move).
        var key = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(
            $"{RuleJson.Write(rule).ToJsonString()}|{TeamScope.Key(user)}|{now:yyyyMMddHHmm}")));
        // Without parallel workers by default (ADR 0025): a scan people repeat as they type is steadier and, on few cores, faster alone.
        var workers = options.Value.ParallelWorkers;
        var count = await counts.PreviewAsync(key, async () =>
            (await db.QueryWithParallelWorkersAsync(workers, $"SELECT count(*) FROM contact_profiles p WHERE {where}", Parameters(), r => r.GetInt64(0), ct))[0]);

        // A sample names people: only for those who may read contacts (an analyst sees the count alone).
        List<ContactSample>? sample = null;
        if (sampleSize > 0 && user.HasPermission(Permissions.ContactsRead))
        {
            sample = await db.QueryWithParallelWorkersAsync(workers,
                $"SELECT contact_id, first_name, last_name, lifecycle_stage, order_count, total_spent FROM contact_profiles p WHERE {where} ORDER BY contact_id LIMIT {sampleSize}",
                Parameters(), r => new ContactSample(r.GetGuid(0), r.IsDBNull(1) ? null : r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2),
                    r.IsDBNull(3) ? null : r.GetString(3), r.GetInt32(4), r.GetDecimal(5)), ct);
            // The rule is not the filter in the trail: its values may themselves be personal data (a name, a city).
            access.Record(user, "segments.preview-sample", null, sample.Count);
        }
        return TypedResults.Ok(new PreviewResponse(count, sample, compiled.TimeBased));
    }

    public static Ok<IEnumerable<object>> ListRuleFields() => TypedResults.Ok(RuleFields.All.Select(f => (object)new
    {
        f.Name, Type = f.Type.ToString().ToLowerInvariant(), f.Description, Operators = RuleFields.Operators(f.Type), f.Values,
    }));

    /// <summary>Parses, checks and stores a segment's rule (dynamic: required; static: none allowed).</summary>
    private static ValidationProblem? ApplyRule(Segment segment, JsonElement? rule, DateTimeOffset now)
    {
        var given = rule is { ValueKind: not (JsonValueKind.Null or JsonValueKind.Undefined) };
        if (segment.Kind == SegmentKinds.Static)
        {
            return given ? RuleProblems.Field("rule", "A static list has no rule.") : null;
        }
        if (!given || rule!.Value.ValueKind is not (JsonValueKind.String or JsonValueKind.Object))
        {
            return RuleProblems.Field("rule", "A dynamic segment needs a rule: a string (the text form) or an object (the JSON form).");
        }
        try
        {
            var node = RuleReader.Read(rule.Value);
            segment.TimeBased = SegmentRuleCompiler.Validate(node, now);
            segment.Rule = RuleJson.Write(node).ToJsonString();
            segment.RuleText = rule.Value.ValueKind == JsonValueKind.String ? rule.Value.GetString() : null;
            return null;
        }
        catch (RuleException error)
        {
            return RuleProblems.From(error);
        }
    }
}
