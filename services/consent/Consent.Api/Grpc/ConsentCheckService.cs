using CustomerBase.Consent.Contracts.Grpc;
using CustomerBase.Consent.Model;
using CustomerBase.ServiceDefaults;
using CustomerBase.ServiceDefaults.Security;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;

namespace CustomerBase.Consent.Grpc;

/// <summary>Batch consent checks for campaigns: one call for up to <see cref="MaxBatch"/> contacts.</summary>
[Authorize(Policy = Permissions.ConsentRead)]
public sealed class ConsentCheckService(ConsentLedger ledger) : ConsentCheck.ConsentCheckBase
{
    public const int MaxBatch = 10_000;

    public override async Task<ConsentCheckReply> Check(ConsentCheckRequest request, ServerCallContext context)
    {
        if (!ConsentVocabulary.Purposes.Contains(request.Purpose))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"purpose must be one of: {string.Join(", ", ConsentVocabulary.Purposes)}."));
        }
        if (!ConsentVocabulary.Channels.Contains(request.Channel))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"channel must be one of: {string.Join(", ", ConsentVocabulary.Channels)}."));
        }
        var ids = GrpcArguments.ParseIds(request.ContactIds, "contact_ids", MaxBatch);

        var at = request.At?.ToDateTimeOffset() ?? DateTimeOffset.UtcNow;
        var decisions = await ledger.CheckAsync(ids, request.Purpose, request.Channel, at, context.CancellationToken);

        var reply = new ConsentCheckReply();
        reply.Decisions.AddRange(decisions.Select(d => new ConsentDecision
        {
            ContactId = d.Key.ToString(),
            Allowed = d.Value == ConsentReason.Granted,
            Reason = d.Value,
        }));
        return reply;
    }
}
