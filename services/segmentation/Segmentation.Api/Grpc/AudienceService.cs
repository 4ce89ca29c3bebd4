using CustomerBase.Segmentation.Contracts.Grpc;
using CustomerBase.Segmentation.Infrastructure;
using CustomerBase.ServiceDefaults;
using CustomerBase.ServiceDefaults.Security;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;

namespace CustomerBase.Segmentation.Grpc;

/// <summary>Streams an audience's contact ids (everyone, a list, or a saved segment's members) in batches, in id order, reading the read model with keyset pagination.</summary>
[Authorize(Policy = Permissions.SegmentsRead)]
public sealed class AudienceService(SegmentationDbContext db) : Audience.AudienceBase
{
    private const int DefaultBatchSize = 1000;
    private const int MaxBatchSize = 10_000;
    private const int MaxListedIds = 100_000;

    public override async Task Resolve(ResolveAudienceRequest request, IServerStreamWriter<AudienceBatch> responseStream, ServerCallContext context)
    {
        var batchSize = request.BatchSize switch
        {
            < 0 or > MaxBatchSize => throw new RpcException(new Status(StatusCode.InvalidArgument, $"batch_size must be between 0 and {MaxBatchSize}.")),
            0 => DefaultBatchSize,
            var size => size,
        };

        var query = db.ContactProfiles.AsNoTracking().Where(p => p.CreatedAt != null);
        if (request.AudienceCase == ResolveAudienceRequest.AudienceOneofCase.ContactIds)
        {
            var listed = GrpcArguments.ParseIds(request.ContactIds.Ids, "contact_ids", MaxListedIds);
            query = query.Where(p => listed.Contains(p.ContactId));
        }
        else if (request.AudienceCase == ResolveAudienceRequest.AudienceOneofCase.SegmentId)
        {
            var segmentId = GrpcArguments.ParseIds([request.SegmentId], "segment_id", 1)[0];
            if (!await db.Segments.AnyAsync(s => s.Id == segmentId, context.CancellationToken))
            {
                throw new RpcException(new Status(StatusCode.NotFound, $"There is no segment {segmentId}."));
            }
            // Its current members, as the last event or evaluation left them (the membership table, not the rule run again).
            query = query.Where(p => db.SegmentMembers.Any(m => m.SegmentId == segmentId && m.ContactId == p.ContactId));
        }
        else if (request.AudienceCase != ResolveAudienceRequest.AudienceOneofCase.All)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "audience must be 'all', 'contact_ids' or 'segment_id'."));
        }
        var http = context.GetHttpContext();
        if (TeamScope.IsRestrictedToTeam(http.User))
        {
            // A sales manager's own token passed through: only their and their team's contacts.
            var subject = http.User.FindFirst(ClaimNames.Subject)?.Value;
            var team = http.User.FindFirst(ClaimNames.Team)?.Value;
            query = query.Where(p => p.OwnerId == subject || (team != null && p.Team == team));
        }

        Guid? after = null;
        while (true)
        {
            var page = query;
            if (after is { } last)
            {
                page = page.Where(p => p.ContactId.CompareTo(last) > 0);
            }
            var ids = await page.OrderBy(p => p.ContactId).Select(p => p.ContactId).Take(batchSize).ToListAsync(context.CancellationToken);
            if (ids.Count == 0)
            {
                return;
            }
            var batch = new AudienceBatch();
            batch.ContactIds.AddRange(ids.Select(id => id.ToString()));
            await responseStream.WriteAsync(batch, context.CancellationToken);
            if (ids.Count < batchSize)
            {
                return;
            }
            after = ids[^1];
        }
    }
}
