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
        var packed = !request.ContactIdsPacked.IsEmpty;
        if (packed && request.ContactIds.Count > 0)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "Give contact_ids or contact_ids_packed, not both."));
        }
        var (ids, texts) = packed ? UnpackIds(request.ContactIdsPacked.Span) : ParseIds(request.ContactIds);
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
        var decisions = await checker.CheckAsync(ids, request.Purpose, request.Channel, at, addresses, context.CancellationToken);
        return packed ? Pack(decisions) : Listed(decisions, texts!);
    }

    /// <summary>Distinct ids in the order asked; each decision will carry the id as the caller wrote it (no second formatting).</summary>
    private static (List<Guid>, List<string>) ParseIds(IReadOnlyList<string> values)
    {
        var parsed = GrpcArguments.ParseIds(values, "contact_ids", MaxBatch);
        var ids = new List<Guid>(parsed.Count);
        var texts = new List<string>(parsed.Count);
        var seen = new HashSet<Guid>(parsed.Count);
        for (var i = 0; i < parsed.Count; i++)
        {
            if (seen.Add(parsed[i]))
            {
                ids.Add(parsed[i]);
                texts.Add(values[i]);
            }
        }
        return (ids, texts);
    }

    /// <summary>Distinct ids in the order asked (the packed answer has one entry per distinct id).</summary>
    private static (List<Guid>, List<string>?) UnpackIds(ReadOnlySpan<byte> bytes) =>
        (GrpcArguments.UnpackIds(bytes, "contact_ids_packed", MaxBatch).Distinct().ToList(), null);

    private static ConsentCheckReply Listed(IReadOnlyList<ConsentDecision> decisions, List<string> texts)
    {
        var reply = new ConsentCheckReply();
        for (var i = 0; i < decisions.Count; i++)
        {
            decisions[i].ContactId = texts[i];
        }
        reply.Decisions.AddRange(decisions);
        return reply;
    }

    private static ConsentCheckReply Pack(IReadOnlyList<ConsentDecision> decisions)
    {
        var reasons = new byte[decisions.Count];
        var bases = new byte[decisions.Count];
        var names = new List<string>();
        for (var i = 0; i < decisions.Count; i++)
        {
            reasons[i] = (byte)decisions[i].Reason;
            if (decisions[i].LegalBasis is { Length: > 0 } basis)
            {
                var index = names.IndexOf(basis);
                if (index < 0)
                {
                    names.Add(basis);
                    index = names.Count - 1;
                }
                bases[i] = (byte)(index + 1);
            }
        }
        var reply = new ConsentCheckReply
        {
            ReasonsPacked = Google.Protobuf.ByteString.CopyFrom(reasons),
            LegalBasesPacked = Google.Protobuf.ByteString.CopyFrom(bases),
        };
        reply.LegalBases.AddRange(names);
        return reply;
    }
}
