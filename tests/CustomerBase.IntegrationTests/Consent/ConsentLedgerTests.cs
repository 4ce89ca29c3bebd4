using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CustomerBase.Consent.Contracts.Grpc;
using CustomerBase.ServiceDefaults.Security;

namespace CustomerBase.IntegrationTests.Consent;

/// <summary>The ledger through the gateway: rules of the policy, double opt-in, bad input, history and audit.</summary>
public sealed class ConsentLedgerTests(SystemFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task WithdrawalTakesEffectForTheVeryNextCheck()
    {
        using var consent = new ConsentTestClient(fixture);
        var contact = Guid.NewGuid();
        await consent.RecordAsync(new { contactId = contact, action = "grant", purpose = "marketing", channel = "email", source = "paper-form", evidence = new { documentRef = "scan-17" } });
        Assert.Equal(ConsentReason.Granted, await consent.ReasonAsync(contact, "marketing", "email"));

        await consent.RecordAsync(new { contactId = contact, action = "withdraw", purpose = "marketing", channel = "email" });

        Assert.Equal(ConsentReason.Withdrawn, await consent.ReasonAsync(contact, "marketing", "email"));
    }

    [Fact]
    public async Task DoubleOptInIsPendingUntilTheTokenComesBackAndTheTokenWorksOnce()
    {
        using var consent = new ConsentTestClient(fixture);
        var contact = Guid.NewGuid();
        var recorded = await consent.RecordAsync(new
        {
            contactId = contact, action = "grant", purpose = "marketing", channel = "sms", source = "web-form",
            evidence = new { formId = "newsletter", ip = "203.0.113.7", userAgent = "Firefox" }, policyVersion = "2026-10",
        });
        var token = recorded[0].GetProperty("confirmationToken").GetString();
        Assert.Equal(ConsentReason.PendingDoubleOptIn, await consent.ReasonAsync(contact, "marketing", "sms"));

        using var confirmed = await consent.Gateway.PostAsJsonAsync("/api/consent/confirmations", new { token }, Ct);
        Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
        Assert.Equal(ConsentReason.Granted, await consent.ReasonAsync(contact, "marketing", "sms"));

        using var reused = await consent.Gateway.PostAsJsonAsync("/api/consent/confirmations", new { token }, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, reused.StatusCode);
        Assert.Contains("already used", (await reused.ReadProblemAsync()).GetProperty("errors").GetProperty("token")[0].GetString());

        using var forged = await consent.Gateway.PostAsJsonAsync("/api/consent/confirmations", new { token = "made-up" }, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
    }

    [Fact]
    public async Task ConfirmingAGrantWithdrawnSinceRecordsNothing()
    {
        using var consent = new ConsentTestClient(fixture);
        var contact = Guid.NewGuid();
        var recorded = await consent.RecordAsync(new { contactId = contact, action = "grant", purpose = "marketing", channel = "email", source = "web-form", evidence = new { formId = "f" } });
        await consent.RecordAsync(new { contactId = contact, action = "withdraw", purpose = "marketing", channel = "email" });

        using var late = await consent.Gateway.PostAsJsonAsync("/api/consent/confirmations", new { token = recorded[0].GetProperty("confirmationToken").GetString() }, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, late.StatusCode);
        Assert.Equal(ConsentReason.Withdrawn, await consent.ReasonAsync(contact, "marketing", "email"));
    }

    [Fact]
    public async Task ServiceMessagesUnderContractNeedNoMarketingConsentAndLegitimateInterestNeedsAnOptOut()
    {
        using var consent = new ConsentTestClient(fixture);
        var contact = Guid.NewGuid();
        await consent.RecordAsync(
            new { contactId = contact, action = "grant", purpose = "service", channel = "email", legalBasis = "contract", source = "api" },
            new { contactId = contact, action = "grant", purpose = "marketing", channel = "sms", legalBasis = "legitimate-interest", source = "api" });

        var service = (await consent.CheckAsync([contact], "service", "email"))[contact];
        Assert.Equal((true, "contract", false), (service.Allowed, service.LegalBasis, service.RequiresOptOut));
        Assert.Equal(ConsentReason.NoConsent, await consent.ReasonAsync(contact, "marketing", "email"));
        var interest = (await consent.CheckAsync([contact], "marketing", "sms"))[contact];
        Assert.Equal((true, true), (interest.Allowed, interest.RequiresOptOut));

        // A written objection without a channel stops the purpose on every channel.
        await consent.RecordAsync(new { contactId = contact, action = "objection", purpose = "marketing", source = "paper-form" });
        Assert.Equal(ConsentReason.Objection, await consent.ReasonAsync(contact, "marketing", "sms"));
        Assert.Equal(ConsentReason.Objection, await consent.ReasonAsync(contact, "marketing", "post"));
        Assert.True((await consent.CheckAsync([contact], "service", "email"))[contact].Allowed);
    }

    [Fact]
    public async Task SuppressedAddressIsRefusedWhateverTheLedgerSays()
    {
        using var consent = new ConsentTestClient(fixture);
        var contact = Guid.NewGuid();
        var email = $"supp-{Guid.NewGuid():N}@example.com";
        await consent.RecordAsync(new { contactId = contact, action = "grant", purpose = "marketing", channel = "email", source = "paper-form", evidence = new { documentRef = "d" } });

        await consent.SuppressAsync([email.ToUpperInvariant()], []);

        Assert.Equal(ConsentReason.Suppressed, await consent.ReasonAsync(contact, "marketing", "email", address: " " + email));
        Assert.Equal(ConsentReason.Granted, await consent.ReasonAsync(contact, "marketing", "email", address: "other-" + email));
    }

    [Fact]
    public async Task BadEntriesAreRefusedByFieldAndNothingOfTheBatchIsRecorded()
    {
        using var consent = new ConsentTestClient(fixture);
        var good = Guid.NewGuid();
        using var response = await consent.Gateway.PostAsJsonAsync("/api/consent/records", new
        {
            records = new object[]
            {
                new { contactId = good, action = "grant", purpose = "marketing", channel = "email", source = "paper-form", evidence = new { documentRef = "d" } },
                new { contactId = Guid.NewGuid(), action = "grant", purpose = "astrology", channel = "email" },
                new { contactId = Guid.NewGuid(), action = "grant", purpose = "marketing", channel = "pigeon" },
                new { contactId = Guid.NewGuid(), action = "grant", purpose = "marketing", channel = "email", source = "web-form" },
                new { contactId = Guid.NewGuid(), action = "grant", purpose = "third-party-transfer", channel = "email", legalBasis = "legitimate-interest" },
            },
        }, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.ReadProblemAsync()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("records[1].purpose", out _));
        Assert.True(errors.TryGetProperty("records[2].channel", out _));
        Assert.True(errors.TryGetProperty("records[3].evidence", out _));
        Assert.True(errors.TryGetProperty("records[4].legalBasis", out _));
        Assert.Equal(0, (await consent.Gateway.GetFromJsonAsync<JsonElement>($"/api/consent/{good}/history", Ct)).GetArrayLength());
    }

    [Fact]
    public async Task HistoryIsCompleteAndEveryChangeIsInTheAuditTrailUnderItsAuthor()
    {
        using var consent = new ConsentTestClient(fixture);
        var contact = Guid.NewGuid();
        await consent.RecordAsync(new { contactId = contact, action = "grant", purpose = "profiling", channel = "email", source = "paper-form", evidence = new { documentRef = "d" } });
        await consent.RecordAsync(new { contactId = contact, action = "restriction", purpose = "profiling", channel = "email", source = "api" });

        var history = await consent.Gateway.GetFromJsonAsync<JsonElement>($"/api/consent/{contact}/history", Ct);
        Assert.Equal(["grant", "restriction"], history.EnumerateArray().Select(r => r.GetProperty("action").GetString()));
        var author = history[0].GetProperty("recordedBy").GetString();
        Assert.StartsWith("administrator-", author);

        using var auditor = fixture.ClientFor(Roles.Auditor);
        var trail = await auditor.GetFromJsonAsync<JsonElement>($"/api/consent/audit?contactId={contact}", Ct);
        Assert.Equal(["consent.grant", "consent.restriction"], trail.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("what").GetString()));
        Assert.All(trail.GetProperty("items").EnumerateArray(), e => Assert.Equal(author, e.GetProperty("actor").GetString()));

        using var marketer = fixture.ClientFor(Roles.Marketer);
        using var refused = await marketer.GetAsync($"/api/consent/audit?contactId={contact}", Ct);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
    }

    [Fact]
    public async Task TransfersAreRecordedAndListed()
    {
        using var consent = new ConsentTestClient(fixture);
        var contact = Guid.NewGuid();
        using var recorded = await consent.Gateway.PostAsJsonAsync($"/api/consent/{contact}/transfers", new
        {
            recipient = "Parcel Courier Ltd", purpose = "service", legalBasis = "contract", categories = "name, address",
            transferredAt = DateTimeOffset.UtcNow.AddDays(-1), informedAt = DateTimeOffset.UtcNow.AddDays(-2),
        }, Ct);
        using var invalid = await consent.Gateway.PostAsJsonAsync($"/api/consent/{contact}/transfers", new { purpose = "gossip" }, Ct);

        Assert.Equal(HttpStatusCode.Created, recorded.StatusCode);
        var errors = (await invalid.ReadProblemAsync()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("recipient", out _) && errors.TryGetProperty("purpose", out _) && errors.TryGetProperty("transferredAt", out _));
        var transfers = await consent.Gateway.GetFromJsonAsync<JsonElement>($"/api/consent/{contact}/transfers", Ct);
        Assert.Equal("Parcel Courier Ltd", Assert.Single(transfers.EnumerateArray()).GetProperty("recipient").GetString());
    }

    [Fact]
    public async Task CheckOfAnUnknownPurposeIsAnInvalidArgument()
    {
        using var consent = new ConsentTestClient(fixture);
        var error = await Assert.ThrowsAsync<Grpc.Core.RpcException>(() => consent.CheckAsync([Guid.NewGuid()], "astrology", "email"));
        Assert.Equal(Grpc.Core.StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("purpose", error.Status.Detail);
    }
}
