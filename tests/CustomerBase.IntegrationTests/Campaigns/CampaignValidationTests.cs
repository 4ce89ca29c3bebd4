using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace CustomerBase.IntegrationTests.Campaigns;

/// <summary>Bad campaigns are refused with problem details naming the field, and nothing is recorded or sent.</summary>
public sealed class CampaignValidationTests(SystemFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<JsonElement> RejectedAsync(object campaign)
    {
        using var campaigns = new CampaignsTestClient(fixture);
        using var response = await campaigns.Gateway.PostAsJsonAsync("/api/campaigns", campaign, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        return (await response.ReadProblemAsync()).GetProperty("errors");
    }

    [Fact]
    public async Task CampaignWithoutAudienceOrTemplateNamesBothFields()
    {
        var errors = await RejectedAsync(new { name = "x", purpose = "marketing", channel = "email", subject = "s" });

        Assert.True(errors.TryGetProperty("audience", out _));
        Assert.True(errors.TryGetProperty("body", out _));
    }

    [Fact]
    public async Task TemplateNamingAnUnknownFieldGivesTheLineAndTheName()
    {
        var errors = await RejectedAsync(new
        {
            name = "x", purpose = "marketing", channel = "email", subject = "s", audience = new { contactIds = new[] { Guid.NewGuid() } },
            body = "Hello {{ contact.first_name }},\nsee you on {{ last_visit.date | date: \"%d.%m\" }}\n{{ contact.shoe_size }}",
        });

        var message = errors.GetProperty("body")[0].GetString()!;
        Assert.Contains("line 3", message);
        Assert.Contains("contact.shoe_size", message);
    }

    [Fact]
    public async Task TemplateThatDoesNotParseGivesTheLine()
    {
        var errors = await RejectedAsync(new
        {
            name = "x", purpose = "marketing", channel = "email", subject = "s", audience = new { contactIds = new[] { Guid.NewGuid() } },
            body = "Hello\n{% if contact.first_name %} no end",
        });

        Assert.Contains("line", errors.GetProperty("body")[0].GetString());
    }

    [Fact]
    public async Task SmsOverItsLengthIsRefused()
    {
        var errors = await RejectedAsync(new
        {
            name = "x", purpose = "service", channel = "sms", audience = new { contactIds = new[] { Guid.NewGuid() } },
            body = "Dear {{ contact.first_name }}, " + new string('x', 400),
        });

        Assert.Contains("SMS", errors.GetProperty("body")[0].GetString());
    }

    [Fact]
    public async Task ScheduleInThePastIsRefused()
    {
        var errors = await RejectedAsync(new
        {
            name = "x", purpose = "marketing", channel = "email", subject = "s", body = "b", audience = new { contactIds = new[] { Guid.NewGuid() } },
            schedule = new { kind = "at", at = DateTimeOffset.UtcNow.AddHours(-1) },
        });

        Assert.True(errors.TryGetProperty("schedule.at", out _));
    }

    [Fact]
    public async Task PreviewRendersTheTemplateForAContact()
    {
        using var campaigns = new CampaignsTestClient(fixture);
        var contact = await campaigns.CreateContactAsync();
        var campaign = await campaigns.CreateCampaignAsync(CampaignsTestClient.EmailCampaign([contact.Id], name: "Spring"));

        using var response = await campaigns.Gateway.PostAsJsonAsync($"/api/campaigns/{campaign}/preview", new { contactId = contact.Id }, Ct);
        var preview = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);

        Assert.Equal("Hello Irina", preview.GetProperty("subject").GetString());
        Assert.StartsWith("Irina, hello! Campaign Spring.", preview.GetProperty("body").GetString());
        Assert.Equal(contact.Email, preview.GetProperty("address").GetString());
    }

    [Fact]
    public async Task TestSendGoesToTheGivenAddressOnlyAndIsNotACampaignMessage()
    {
        using var campaigns = new CampaignsTestClient(fixture);
        var contact = await campaigns.CreateContactAsync(marketingConsent: false);
        var campaign = await campaigns.CreateCampaignAsync(CampaignsTestClient.EmailCampaign([contact.Id], name: "Spring"));
        var colleague = $"colleague-{Guid.NewGuid():N}@campaigns.test";

        using var response = await campaigns.Gateway.PostAsJsonAsync($"/api/campaigns/{campaign}/test-send", new { contactId = contact.Id, address = colleague }, Ct);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var mailbox = await Eventually.Until(campaigns.MailboxAsync, m => m[colleague].Any(), what: "the test e-mail in MailDev");
        Assert.Equal("[test] Hello Irina", Assert.Single(mailbox[colleague]).GetProperty("subject").GetString());
        Assert.Empty(mailbox[contact.Email]);
        Assert.Empty(await campaigns.MessagesAsync(campaign));
    }
}
