using System.Security.Cryptography;
using CustomerBase.Consent.Model;
using CustomerBase.ServiceDefaults;

namespace CustomerBase.Consent.Apis;

/// <summary>An entry to record. <c>channel</c> may be left out of an objection or a restriction: it then covers every channel.</summary>
public sealed record ConsentRecordRequest(
    Guid? ContactId,
    string? Action,
    string? Purpose,
    string? Channel,
    string? LegalBasis,
    string? Source,
    EvidenceRequest? Evidence,
    string? PolicyVersion,
    DateTimeOffset? ExpiresAt);

public sealed record EvidenceRequest(string? DocumentRef, string? FormId, string? Ip, string? UserAgent);

public sealed record ConsentBatchRequest(IReadOnlyList<ConsentRecordRequest?>? Records);

public sealed record ConsentRecordResponse(
    Guid Id, long Sequence, Guid ContactId, string Action, string Purpose, string Channel, string LegalBasis, string Source,
    EvidenceRequest Evidence, string? PolicyVersion, string RecordedBy, DateTimeOffset RecordedAt, DateTimeOffset? ExpiresAt,
    bool Pending, Guid? RelatesTo)
{
    public static ConsentRecordResponse From(ConsentRecord r) => new(
        r.Id, r.Sequence, r.ContactId, r.Action, r.Purpose, r.Channel, r.LegalBasis, r.Source,
        new EvidenceRequest(r.EvidenceDocument, r.EvidenceFormId, r.EvidenceIp, r.EvidenceUserAgent),
        r.PolicyVersion, r.RecordedBy, r.RecordedAt, r.ExpiresAt, r.Pending, r.RelatesTo);
}

/// <summary>What was recorded; a pending grant carries the token the person must send back (given out only here).</summary>
public sealed record RecordedEntry(ConsentRecordResponse Record, string? ConfirmationToken, DateTimeOffset? ConfirmBy);

/// <summary>Validates requests against the deployment's policy and turns them into ledger entries.</summary>
public sealed class ConsentRecordFactory(ConsentPolicy policy)
{
    public const int MaxBatch = 10_000;

    /// <summary>
    /// Ledger entries for the requests (one per channel when a channel-less objection or restriction covers all),
    /// and a double opt-in token for each grant that must wait; or the errors, each under the field's path.
    /// </summary>
    public (List<ConsentRecord> Records, List<(DoubleOptInToken Token, string Secret)> Tokens) Build(
        IReadOnlyList<ConsentRecordRequest?> requests, string actor, DateTimeOffset now, ValidationErrors errors, Func<int, string> path)
    {
        var records = new List<ConsentRecord>();
        var tokens = new List<(DoubleOptInToken, string)>();
        for (var i = 0; i < requests.Count; i++)
        {
            var request = requests[i];
            var prefix = path(i);
            if (request is null)
            {
                errors.Add(prefix.Length == 0 ? "body" : prefix.TrimEnd('.'), "An entry is required here.");
                continue;
            }
            if (!Validate(request, errors, prefix))
            {
                continue;
            }
            var basis = request.LegalBasis ?? LegalBases.Consent;
            var source = request.Source ?? "api";
            IEnumerable<string> channels = request.Channel is { } one ? [one] : policy.Channels;
            foreach (var channel in channels)
            {
                var pending = request.Action == ConsentActions.Grant && policy.RequiresDoubleOptIn(basis, channel, source);
                var record = new ConsentRecord
                {
                    Id = Guid.CreateVersion7(now),
                    ContactId = request.ContactId!.Value,
                    Action = request.Action!,
                    Purpose = request.Purpose!,
                    Channel = channel,
                    LegalBasis = basis,
                    Source = source,
                    EvidenceDocument = request.Evidence?.DocumentRef,
                    EvidenceFormId = request.Evidence?.FormId,
                    EvidenceIp = request.Evidence?.Ip,
                    EvidenceUserAgent = request.Evidence?.UserAgent,
                    PolicyVersion = request.PolicyVersion,
                    RecordedBy = actor,
                    RecordedAt = now,
                    ExpiresAt = request.ExpiresAt,
                    Pending = pending,
                };
                records.Add(record);
                if (pending)
                {
                    tokens.Add(NewToken(record, now));
                }
            }
        }
        return (records, tokens);
    }

    private (DoubleOptInToken, string) NewToken(ConsentRecord pending, DateTimeOffset now)
    {
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return (new DoubleOptInToken
        {
            TokenHash = DoubleOptInTokens.Hash(secret),
            PendingRecordId = pending.Id,
            ContactId = pending.ContactId,
            Purpose = pending.Purpose,
            Channel = pending.Channel,
            ExpiresAt = now + policy.DoubleOptInTokenLifetime,
        }, secret);
    }

    private bool Validate(ConsentRecordRequest r, ValidationErrors errors, string prefix)
    {
        var before = Count(errors);
        if (r.ContactId is null || r.ContactId == Guid.Empty)
        {
            errors.Add(prefix + "contactId", "This field is required.");
        }
        errors.OneOf(prefix + "action", r.Action, ConsentActions.Recordable, required: true)
            .OneOf(prefix + "purpose", r.Purpose, policy.Purposes.Keys.ToHashSet(), required: true)
            .OneOf(prefix + "legalBasis", r.LegalBasis, LegalBases.All)
            .OneOf(prefix + "source", r.Source, RecordSources.All);
        if (r.Channel is null)
        {
            if (r.Action is ConsentActions.Grant or ConsentActions.Withdraw)
            {
                errors.Add(prefix + "channel", $"This field is required for a {r.Action}; one of: {string.Join(", ", policy.Channels)}.");
            }
        }
        else if (!policy.IsChannel(r.Channel))
        {
            errors.Add(prefix + "channel", $"Must be one of: {string.Join(", ", policy.Channels)}.");
        }

        var basis = r.LegalBasis ?? LegalBases.Consent;
        if (r.Action == ConsentActions.Grant && policy.IsPurpose(r.Purpose) && LegalBases.All.Contains(basis) && !policy.Accepts(r.Purpose!, basis))
        {
            errors.Add(prefix + "legalBasis", $"The policy does not accept {basis} for {r.Purpose}; accepted: {string.Join(", ", policy.Purposes[r.Purpose!])}.");
        }
        if (r.Action == ConsentActions.Grant && policy.RequiresEvidence(basis)
            && string.IsNullOrWhiteSpace(r.Evidence?.DocumentRef) && string.IsNullOrWhiteSpace(r.Evidence?.FormId) && string.IsNullOrWhiteSpace(r.Evidence?.Ip))
        {
            errors.Add(prefix + "evidence", $"A grant on the basis of {basis} needs evidence: documentRef, formId or ip.");
        }
        errors.MaxLength(prefix + "evidence.documentRef", r.Evidence?.DocumentRef, 1000)
            .MaxLength(prefix + "evidence.formId", r.Evidence?.FormId, 200)
            .MaxLength(prefix + "evidence.userAgent", r.Evidence?.UserAgent, 500)
            .MaxLength(prefix + "policyVersion", r.PolicyVersion, 40);
        if (r.Evidence?.Ip is { } ip && !System.Net.IPAddress.TryParse(ip, out _))
        {
            errors.Add(prefix + "evidence.ip", "Must be an IPv4 or IPv6 address.");
        }
        if (r.ExpiresAt is not null && r.Action != ConsentActions.Grant)
        {
            errors.Add(prefix + "expiresAt", "Only a grant expires.");
        }
        else if (r.ExpiresAt is { } expires && expires <= DateTimeOffset.UtcNow)
        {
            errors.Add(prefix + "expiresAt", "Must be in the future.");
        }
        return Count(errors) == before;
    }

    private static int Count(ValidationErrors errors) => errors.ToDictionary().Sum(e => e.Value.Length);
}

public static class DoubleOptInTokens
{
    public static byte[] Hash(string secret) => SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(secret));
}
