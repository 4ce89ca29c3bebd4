using System.Net;
using System.Text.Json;
using CustomerBase.Consent.Contracts;
using CustomerBase.Consent.Contracts.Grpc;
using System.Net.Http.Json;

namespace CustomerBase.IntegrationTests.Consent;

/// <summary>Unsubscribe links, anonymous through the gateway: a page, a one-click POST that works once, and nothing for a tampered link.</summary>
public sealed class UnsubscribeTests(SystemFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task OneClickUnsubscribeWithdrawsOnceWithoutAnyToken()
    {
        using var consent = new ConsentTestClient(fixture);
        var contact = Guid.NewGuid();
        var campaign = Guid.NewGuid();
        await consent.RecordAsync(new { contactId = contact, action = "grant", purpose = "marketing", channel = "email", source = "paper-form", evidence = new { documentRef = "d" } });
        var link = consent.UnsubscribeTokens.Url(fixture.System.GatewayUrl, new UnsubscribeRequest(contact, "marketing", "email", campaign));
        using var anonymous = fixture.ClientFor(role: null);

        using var page = await anonymous.GetAsync(link, Ct);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("<form method=\"post\"", await page.Content.ReadAsStringAsync(Ct));
        Assert.Equal(ConsentReason.Granted, await consent.ReasonAsync(contact, "marketing", "email")); // showing the page changes nothing

        using var first = await anonymous.PostAsync(link, new FormUrlEncodedContent([new("List-Unsubscribe", "One-Click")]), Ct);
        using var second = await anonymous.PostAsync(link, new FormUrlEncodedContent([new("List-Unsubscribe", "One-Click")]), Ct);

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (first.StatusCode, second.StatusCode));
        Assert.Equal(ConsentReason.Withdrawn, await consent.ReasonAsync(contact, "marketing", "email"));
        var history = await consent.Gateway.GetFromJsonAsync<JsonElement>($"/api/consent/{contact}/history", Ct);
        var withdrawals = history.EnumerateArray().Where(r => r.GetProperty("action").GetString() == "withdraw").ToList();
        var withdrawal = Assert.Single(withdrawals);
        Assert.Equal(("data-subject", "unsubscribe-link", campaign), (withdrawal.GetProperty("recordedBy").GetString(), withdrawal.GetProperty("source").GetString(), withdrawal.GetProperty("relatesTo").GetGuid()));
    }

    [Fact]
    public async Task TamperedOrForgedLinkIsRefusedAndRecordsNothing()
    {
        using var consent = new ConsentTestClient(fixture);
        var contact = Guid.NewGuid();
        var someoneElse = Guid.NewGuid();
        await consent.RecordAsync(
            new { contactId = contact, action = "grant", purpose = "marketing", channel = "email", source = "paper-form", evidence = new { documentRef = "d" } },
            new { contactId = someoneElse, action = "grant", purpose = "marketing", channel = "email", source = "paper-form", evidence = new { documentRef = "d" } });
        var token = consent.UnsubscribeTokens.Create(new UnsubscribeRequest(contact, "marketing", "email", null));
        var tampered = token[..10] + (token[10] == 'A' ? 'B' : 'A') + token[11..];
        var forged = new UnsubscribeToken(new byte[32]).Create(new UnsubscribeRequest(someoneElse, "marketing", "email", null));
        using var anonymous = fixture.ClientFor(role: null);

        foreach (var bad in new[] { tampered, forged, "nonsense" })
        {
            using var post = await anonymous.PostAsync($"/unsubscribe/{bad}", null, Ct);
            using var get = await anonymous.GetAsync($"/unsubscribe/{bad}", Ct);
            Assert.Equal((HttpStatusCode.BadRequest, HttpStatusCode.BadRequest), (post.StatusCode, get.StatusCode));
        }

        Assert.Equal(ConsentReason.Granted, await consent.ReasonAsync(contact, "marketing", "email"));
        Assert.Equal(ConsentReason.Granted, await consent.ReasonAsync(someoneElse, "marketing", "email"));
    }

    [Fact]
    public async Task NothingElseOfConsentIsPublic()
    {
        using var anonymous = fixture.ClientFor(role: null);
        using var history = await anonymous.GetAsync($"/api/consent/{Guid.NewGuid()}/history", Ct);
        using var other = await anonymous.GetAsync("/unsubscribe", Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, history.StatusCode);
        Assert.NotEqual(HttpStatusCode.OK, other.StatusCode);
    }
}
