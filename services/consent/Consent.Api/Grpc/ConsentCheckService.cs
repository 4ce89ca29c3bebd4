using CustomerBase.Consent.Contracts.Grpc;
using CustomerBase.Consent.Model;
using CustomerBase.ServiceDefaults;
using CustomerBase.ServiceDefaults.Security;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace CustomerBase.Consent.Grpc;

/// <summary>Batch consent checks for campaigns: one call for up to <see cref="MaxBatch"/> contacts.</summary>
[Authorize(Policy = Permissions.ConsentRead)]
public sealed class ConsentCheckService(ConsentChecker checker, IOptions<ConsentPolicy> policy) : ConsentCheck.ConsentCheckBase
{
    public const int MaxBatch = 100_000;

    /// <summary>100,000 ids as strings are about 3.8 MB; the default 4 MB limit would leave no room.</summary>
    public const int MaxMessageBytes = 32 * 1024 * 1024;

    public override async Task<ConsentCheckReply> Check(ConsentCheckRequest request, ServerCallContext context)
    {
        if (!policy.Value.IsPurpose(request.Purpose))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"purpose must be one of: {string.Join(", ", policy.Value.Purposes.Keys)}."));
        }
        if (!policy.Value.IsChannel(request.Channel))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"channel must be one of: {string.Join(", ", policy.Value.Channels)}."));
        }
        var ids = GrpcArguments.ParseIds(request.ContactIds, "contact_ids", MaxBatch);
        var addresses = new List<(Guid, string)>(request.Addresses.Count);
        for (var i = 0; i < request.Addresses.Count; i++)
        {
            if (!Guid.TryParse(request.Addresses[i].ContactId, out var contactId))
            {
                throw new RpcException(new Status(StatusCode.InvalidArgument, $"addresses[{i}].contact_id is not a UUID."));
            }
            addresses.Add((contactId, request.Addresses[i].Address));
        }

        var at = request.At?.ToDateTimeOffset() ?? DateTimeOffset.UtcNow;
        var reply = new ConsentCheckReply();
        reply.Decisions.AddRange(await checker.CheckAsync(ids, request.Purpose, request.Channel, at, addresses, context.CancellationToken));
        return reply;
    }
}
