using Microsoft.Extensions.Configuration;
using CustomerBase.Campaigns.Model;
using CustomerBase.Consent.Contracts.Grpc;
using CustomerBase.Consent.Model;

namespace CustomerBase.UnitTests.Consent;

public sealed class ConsentDecisionTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    private static readonly ConsentPolicy Policy = new();

    private static ConsentRecord Record(string action, string basis = LegalBases.Consent, DateTimeOffset? expiresAt = null, bool pending = false,
        Guid? relatesTo = null, string purpose = "marketing") => new()
    {
        Id = Guid.NewGuid(),
        ContactId = Guid.Empty,
        Purpose = purpose,
        Channel = "email",
        Action = action,
        LegalBasis = basis,
        Source = "api",
        RecordedBy = "test",
        RecordedAt = Now.AddDays(-1),
        ExpiresAt = expiresAt,
        Pending = pending,
        RelatesTo = relatesTo,
    };

    private static ConsentReason After(params ConsentRecord[] records)
    {
        var state = ConsentState.Empty(Guid.Empty, records[0].Purpose, "email");
        foreach (var record in records)
        {
            state.Apply(record);
        }
        return state.Decide(Now, Policy);
    }

    [Fact]
    public void LatestGrantAllows() => Assert.Equal(ConsentReason.Granted, After(Record(ConsentActions.Grant)));

    [Fact]
    public void ExpiredGrantDoesNotAllow() => Assert.Equal(ConsentReason.Expired, After(Record(ConsentActions.Grant, expiresAt: Now)));

    [Fact]
    public void WithdrawalAfterGrantDoesNotAllow() =>
        Assert.Equal(ConsentReason.Withdrawn, After(Record(ConsentActions.Grant), Record(ConsentActions.Withdraw)));

    [Fact]
    public void PendingGrantWaitsForItsConfirmation()
    {
        var pending = Record(ConsentActions.Grant, pending: true);
        Assert.Equal(ConsentReason.PendingDoubleOptIn, After(pending));
        Assert.Equal(ConsentReason.Granted, After(pending, Record(ConsentActions.Confirmation, relatesTo: pending.Id)));
    }

    [Fact]
    public void ConfirmationOfAnOlderPendingGrantConfirmsNothing()
    {
        var older = Record(ConsentActions.Grant, pending: true);
        var newer = Record(ConsentActions.Grant, pending: true);
        Assert.Equal(ConsentReason.PendingDoubleOptIn, After(older, newer, Record(ConsentActions.Confirmation, relatesTo: older.Id)));
    }

    [Fact]
    public void LegitimateInterestAllowsUntilObjection()
    {
        var interest = Record(ConsentActions.Grant, basis: LegalBases.LegitimateInterest);
        Assert.Equal(ConsentReason.Granted, After(interest));
        Assert.Equal(ConsentReason.Objection, After(interest, Record(ConsentActions.Objection)));
        // A later claim of legitimate interest cannot override the person's objection.
        Assert.Equal(ConsentReason.Objection, After(interest, Record(ConsentActions.Objection), Record(ConsentActions.Grant, basis: LegalBases.LegitimateInterest)));
    }

    [Fact]
    public void TheirOwnNewConsentLiftsAnObjection() =>
        Assert.Equal(ConsentReason.Granted, After(Record(ConsentActions.Objection), Record(ConsentActions.Grant)));

    [Fact]
    public void RestrictionStopsAGrantedPurpose() =>
        Assert.Equal(ConsentReason.Restricted, After(Record(ConsentActions.Grant), Record(ConsentActions.Restriction)));

    [Fact]
    public void ServiceMessagesUnderContractNeedNoMarketingConsent() =>
        Assert.Equal(ConsentReason.Granted, After(Record(ConsentActions.Grant, basis: LegalBases.Contract, purpose: "service")));

    [Fact]
    public void AGrantOnABasisThePolicyDoesNotAcceptForThePurposeDoesNotAllow() =>
        Assert.Equal(ConsentReason.NoConsent, After(Record(ConsentActions.Grant, basis: LegalBases.Contract, purpose: "marketing")));

    [Fact]
    public void DefaultPolicyIsValidAndAsksDoubleOptInExceptForPaperForms()
    {
        Assert.True(Policy.IsValid());
        Assert.True(Policy.RequiresDoubleOptIn(LegalBases.Consent, "sms", "web-form"));
        Assert.False(Policy.RequiresDoubleOptIn(LegalBases.Consent, "sms", "paper-form"));
        Assert.False(Policy.RequiresDoubleOptIn(LegalBases.Contract, "email", "web-form"));
    }

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

public sealed class ConsentPolicyConfigurationTests
{
    [Fact]
    public void AConfiguredListReplacesTheDefaultAndTheRestKeepTheirs()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConsentPolicy:Purposes:marketing:0"] = "consent",
            ["ConsentPolicy:Purposes:newsletter:0"] = "consent",
            ["ConsentPolicy:DoubleOptInChannels:0"] = "email",
        }).Build();
        var policy = new ConsentPolicy();

        ConsentPolicy.Bind(configuration.GetSection(ConsentPolicy.Section), policy);

        Assert.Equal(["marketing", "newsletter"], policy.Purposes.Keys.Order());
        Assert.Equal(["consent"], policy.Purposes["marketing"]);
        Assert.Equal(["email"], policy.DoubleOptInChannels);
        Assert.Equal(new ConsentPolicy().Channels, policy.Channels);
        Assert.True(policy.IsValid());
    }
}
