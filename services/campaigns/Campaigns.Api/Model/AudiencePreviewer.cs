using CustomerBase.Consent.Contracts.Grpc;
using CustomerBase.Segmentation.Contracts.Grpc;
using Grpc.Core;

namespace CustomerBase.Campaigns.Model;

/// <summary>
/// How many of an audience may be messaged for a purpose on a channel, and why the rest may not:
/// the audience streams from segmentation, each streamed batch is checked with consent in one call.
/// </summary>
public sealed class AudiencePreviewer(Audience.AudienceClient audience, ConsentCheck.ConsentCheckClient consent)
{
    public const int BatchSize = 1000;

    public async Task<AudiencePreview> PreviewAsync(ResolveAudienceRequest request, string purpose, string channel, CancellationToken ct)
    {
        request.BatchSize = BatchSize;
        var at = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow);
        var preview = new AudiencePreview();

        using var stream = audience.Resolve(request, cancellationToken: ct);
        await foreach (var batch in stream.ResponseStream.ReadAllAsync(ct))
        {
            var check = new ConsentCheckRequest { Purpose = purpose, Channel = channel, At = at };
            check.ContactIds.AddRange(batch.ContactIds);
            var reply = await consent.CheckAsync(check, cancellationToken: ct);
            foreach (var decision in reply.Decisions)
            {
                preview.Add(decision);
            }
        }
        return preview;
    }
}

public sealed class AudiencePreview
{
    public int Total { get; private set; }
    public int Allowed { get; private set; }
    public int Denied => Total - Allowed;

    /// <summary>Why contacts may not be messaged, e.g. <c>noConsent: 12, withdrawn: 3</c>.</summary>
    public SortedDictionary<string, int> DeniedReasons { get; } = new(StringComparer.Ordinal);

    public void Add(ConsentDecision decision)
    {
        Total++;
        if (decision.Allowed)
        {
            Allowed++;
            return;
        }
        var reason = ReasonName(decision.Reason);
        DeniedReasons[reason] = DeniedReasons.GetValueOrDefault(reason) + 1;
    }

    /// <summary><c>CONSENT_REASON_NO_CONSENT</c> arrives as <c>NoConsent</c>; the API answers camelCase <c>noConsent</c>.</summary>
    public static string ReasonName(ConsentReason reason)
    {
        var name = reason.ToString();
        return char.ToLowerInvariant(name[0]) + name[1..];
    }
}
