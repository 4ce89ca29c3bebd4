using CustomerBase.Campaigns.Model;
using CustomerBase.Consent.Contracts.Grpc;
using CustomerBase.Consent.Model;

namespace CustomerBase.UnitTests;

public sealed class ConsentDecisionTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    private static ConsentRecord Record(string action, DateTimeOffset? expiresAt = null) => new()
    {
        Id = Guid.NewGuid(),
        ContactId = Guid.NewGuid(),
        Purpose = "marketing",
        Channel = "email",
        Action = action,
        LegalBasis = "consent",
        Source = "api",
        RecordedAt = Now.AddDays(-1),
        ExpiresAt = expiresAt,
    };

    [Fact]
    public void LatestGrantAllows() => Assert.Equal(ConsentReason.Granted, ConsentLedger.Decide(Record(ConsentVocabulary.Grant), Now));

    [Fact]
    public void ExpiredGrantDoesNotAllow() =>
        Assert.Equal(ConsentReason.Expired, ConsentLedger.Decide(Record(ConsentVocabulary.Grant, expiresAt: Now), Now));

    [Fact]
    public void LatestWithdrawalDoesNotAllow() => Assert.Equal(ConsentReason.Withdrawn, ConsentLedger.Decide(Record(ConsentVocabulary.Withdraw), Now));

    [Fact]
    public void PreviewCountsDeniedContactsByReason()
    {
        var preview = new AudiencePreview();
        preview.Add(new ConsentDecision { Allowed = true, Reason = ConsentReason.Granted });
        preview.Add(new ConsentDecision { Allowed = false, Reason = ConsentReason.NoConsent });
        preview.Add(new ConsentDecision { Allowed = false, Reason = ConsentReason.NoConsent });
        preview.Add(new ConsentDecision { Allowed = false, Reason = ConsentReason.Withdrawn });

        Assert.Equal((4, 1, 3), (preview.Total, preview.Allowed, preview.Denied));
        Assert.Equal(new Dictionary<string, int> { ["noConsent"] = 2, ["withdrawn"] = 1 }, preview.DeniedReasons);
    }
}
