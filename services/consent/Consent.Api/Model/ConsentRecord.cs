namespace CustomerBase.Consent.Model;

/// <summary>
/// One append-only entry of the consent ledger for a contact × purpose × channel. Never updated; deleted only when
/// the person is erased. <see cref="Sequence"/> orders the ledger (several entries may share a moment).
/// </summary>
public sealed class ConsentRecord
{
    public Guid Id { get; init; }
    public long Sequence { get; set; }
    public Guid ContactId { get; init; }
    public required string Purpose { get; init; }
    public required string Channel { get; init; }

    /// <summary>One of <see cref="ConsentActions"/>.</summary>
    public required string Action { get; init; }
    public required string LegalBasis { get; init; }
    public required string Source { get; init; }

    public string? EvidenceDocument { get; init; }
    public string? EvidenceFormId { get; init; }
    public string? EvidenceIp { get; init; }
    public string? EvidenceUserAgent { get; init; }
    public string? PolicyVersion { get; init; }

    /// <summary>The token subject of whoever recorded it; "data-subject" when the person did (unsubscribe, confirmation).</summary>
    public required string RecordedBy { get; init; }
    public DateTimeOffset RecordedAt { get; init; }
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>A grant waiting for its double opt-in confirmation.</summary>
    public bool Pending { get; init; }

    /// <summary>For a confirmation: the pending grant it confirms. For an unsubscribe: the campaign the link came from.</summary>
    public Guid? RelatesTo { get; init; }
}

public static class ConsentActions
{
    public const string Grant = "grant";
    public const string Withdraw = "withdraw";
    public const string Objection = "objection";
    public const string Restriction = "restriction";

    /// <summary>Written by consent itself when a double opt-in token comes back; not accepted from clients.</summary>
    public const string Confirmation = "confirmation";

    /// <summary>What a client may record.</summary>
    public static readonly IReadOnlySet<string> Recordable = new HashSet<string> { Grant, Withdraw, Objection, Restriction };
}

public static class LegalBases
{
    public const string Consent = "consent";
    public const string Contract = "contract";
    public const string LegitimateInterest = "legitimate-interest";
    public const string LegalObligation = "legal-obligation";

    public static readonly IReadOnlySet<string> All = new HashSet<string> { Consent, Contract, LegitimateInterest, LegalObligation };
}

public static class RecordSources
{
    public static readonly IReadOnlySet<string> All = new HashSet<string> { "web-form", "paper-form", "import", "phone-call", "api", "unsubscribe-link", "double-opt-in" };
}
