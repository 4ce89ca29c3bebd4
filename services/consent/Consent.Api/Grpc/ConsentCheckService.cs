using CustomerBase.Consent.Contracts.Grpc;
using CustomerBase.Consent.Model;
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
        if (request.ContactIds.Count > MaxBatch)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"At most {MaxBatch} contact_ids per call."));
        }
        // Distinct ids in the order asked; each decision carries the id as the caller wrote it (no second formatting).
        var ids = new List<Guid>(request.ContactIds.Count);
        var texts = new List<string>(request.ContactIds.Count);
        var seen = new HashSet<Guid>(request.ContactIds.Count);
        for (var i = 0; i < request.ContactIds.Count; i++)
        {
            if (!Guid.TryParse(request.ContactIds[i], out var id))
            {
                throw new RpcException(new Status(StatusCode.InvalidArgument, $"contact_ids[{i}] is not a UUID."));
            }
            if (seen.Add(id))
            {
                ids.Add(id);
                texts.Add(request.ContactIds[i]);
            }
        }
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
        var decisions = await checker.CheckAsync(ids, request.Purpose, request.Channel, at, addresses, context.CancellationToken);
        for (var i = 0; i < decisions.Count; i++)
        {
            decisions[i].ContactId = texts[i];
        }
        reply.Decisions.AddRange(decisions);
        return reply;
    }
}
