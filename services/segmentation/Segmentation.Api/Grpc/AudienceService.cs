using CustomerBase.Segmentation.Contracts.Grpc;
using CustomerBase.Segmentation.Infrastructure;
using CustomerBase.ServiceDefaults;
using CustomerBase.ServiceDefaults.Security;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;

namespace CustomerBase.Segmentation.Grpc;

/// <summary>Streams an audience's contact ids in batches, in id order, reading the read model with keyset pagination.</summary>
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
        else if (request.AudienceCase != ResolveAudienceRequest.AudienceOneofCase.All)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "audience must be 'all' or 'contact_ids'."));
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
