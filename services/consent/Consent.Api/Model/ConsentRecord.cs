namespace CustomerBase.Consent.Model;

/// <summary>One append-only entry of the consent ledger for a contact × purpose × channel. Never updated, never deleted.</summary>
public sealed class ConsentRecord
{
    public Guid Id { get; init; }
    public Guid ContactId { get; init; }
    public required string Purpose { get; init; }
    public required string Channel { get; init; }
    public required string Action { get; init; }
    public required string LegalBasis { get; init; }
    public required string Source { get; init; }
    public string? Evidence { get; init; }
    public string? PolicyVersion { get; init; }
    public DateTimeOffset RecordedAt { get; init; }
    public DateTimeOffset? ExpiresAt { get; init; }
}

/// <summary>The vocabularies of the ledger. Purposes and channels are fixed here until they become configurable per deployment.</summary>
public static class ConsentVocabulary
{
    public static readonly IReadOnlySet<string> Purposes = new HashSet<string> { "marketing", "profiling", "third-party-transfer", "service" };
    public static readonly IReadOnlySet<string> Channels = new HashSet<string> { "email", "sms", "phone", "messenger", "post" };
    public static readonly IReadOnlySet<string> LegalBases = new HashSet<string> { "consent", "contract", "legitimate-interest", "legal-obligation" };
    public static readonly IReadOnlySet<string> Sources = new HashSet<string> { "web-form", "paper-form", "import", "phone-call", "api" };

    public const string Grant = "grant";
    public const string Withdraw = "withdraw";
}
