using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace CustomerBase.IntegrationTests.Campaigns;

/// <summary>
/// End to end with the real RabbitMQ, PostgreSQL and MailDev: a launch reaches each consenting contact exactly once,
/// never one who did not consent or withdrew while the launch ran, and an unsubscribe link stops the next campaign.
/// </summary>
public sealed class CampaignLaunchTests(SystemFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EachConsentingContactGetsExactlyOneEmailAndNoneWhoNeverConsentedOrWithdrewDuringTheLaunch()
    {
        using var campaigns = new CampaignsTestClient(fixture);
        const int total = 200, neverConsented = 20, withdrawing = 10;
        var contacts = await campaigns.CreateContactsAsync(total, consents: i => i >= neverConsented);
        var ids = contacts.Select(c => c.Id).ToList();
        await campaigns.WaitUntilSegmentationKnowsAsync(ids);
        var campaign = await campaigns.CreateCampaignAsync(CampaignsTestClient.EmailCampaign(ids, policies: new { respectSendWindow = false, messagesPerSecond = 20 }));

        await campaigns.PostAsync(campaign, "launch");
        await campaigns.WaitForStatisticsAsync(campaign, s => s.GetProperty("targeted").GetInt32() == total, "every recipient recorded");
        // Hold the release, let a batch in progress finish, then withdraw some of those still waiting, and go on.
        await campaigns.PostAsync(campaign, "pause");
        await WaitUntilReleaseSettlesAsync(campaigns, campaign);
        var waiting = (await campaigns.MessagesAsync(campaign)).Where(m => m.GetProperty("status").GetString() == "pending")
            .Select(m => m.GetProperty("contactId").GetGuid()).Take(withdrawing).ToList();
        Assert.Equal(withdrawing, waiting.Count);
        await campaigns.RecordConsentAsync(waiting, "withdraw");
        await campaigns.PostAsync(campaign, "resume");

        var stats = await campaigns.WaitForStatisticsAsync(campaign,
            s => s.GetProperty("pending").GetInt32() == 0 && s.GetProperty("sent").GetInt32() == total - neverConsented - withdrawing, "every allowed e-mail sent");
        var mailbox = await campaigns.MailboxAsync();
        var excluded = contacts.Take(neverConsented).Concat(contacts.Where(c => waiting.Contains(c.Id))).ToList();
        var reached = contacts.Except(excluded).ToList();
        Assert.All(reached, c => Assert.Single(mailbox[c.Email]));
        Assert.All(excluded, c => Assert.Empty(mailbox[c.Email]));
        Assert.Equal(neverConsented, stats.GetProperty("excludedByReason").GetProperty("noConsent").GetInt32());
        Assert.Equal(withdrawing, stats.GetProperty("excludedByReason").GetProperty("withdrawn").GetInt32());
    }

    [Fact]
    public async Task UnsubscribeLinkInTheEmailWorksAndTheNextCampaignSkipsThatPerson()
    {
        using var campaigns = new CampaignsTestClient(fixture);
        var contacts = await campaigns.CreateContactsAsync(3, consents: _ => true);
        var ids = contacts.Select(c => c.Id).ToList();
        await campaigns.WaitUntilSegmentationKnowsAsync(ids);
        var first = await campaigns.CreateCampaignAsync(CampaignsTestClient.EmailCampaign(ids));
        await campaigns.PostAsync(first, "launch");
        await campaigns.WaitForStatisticsAsync(first, s => s.GetProperty("sent").GetInt32() == 3, "the first campaign sent");

        // Everything of the only run dealt with: the one-off campaign completes by itself.
        await Eventually.Until(() => campaigns.Gateway.GetFromJsonAsync<JsonElement>($"/api/campaigns/{first}", Ct),
            c => c.GetProperty("status").GetString() == "completed", TimeSpan.FromSeconds(30), "the first campaign completed", TimeSpan.FromMilliseconds(250));

        var leaving = contacts[0];
        var email = Assert.Single((await campaigns.MailboxAsync())[leaving.Email]);
        var headers = await campaigns.HeadersAsync(email);
        var listUnsubscribe = headers["List-Unsubscribe"];
        Assert.Equal("List-Unsubscribe=One-Click", headers["List-Unsubscribe-Post"]);
        var link = listUnsubscribe.Trim('<', '>');
        Assert.Contains(link, email.GetProperty("text").GetString());
        using var anonymous = fixture.ClientFor(role: null);
        using var unsubscribe = await anonymous.PostAsync(link, new FormUrlEncodedContent([new("List-Unsubscribe", "One-Click")]), Ct);
        Assert.Equal(HttpStatusCode.OK, unsubscribe.StatusCode);

        var second = await campaigns.CreateCampaignAsync(CampaignsTestClient.EmailCampaign(ids));
        await campaigns.PostAsync(second, "launch");
        var stats = await campaigns.WaitForStatisticsAsync(second, s => s.GetProperty("sent").GetInt32() == 2 && s.GetProperty("pending").GetInt32() == 0, "the second campaign sent");
        Assert.Equal(1, stats.GetProperty("excludedByReason").GetProperty("withdrawn").GetInt32());
        var mailbox = await campaigns.MailboxAsync();
        Assert.Single(mailbox[leaving.Email]);
        Assert.All(contacts.Skip(1), c => Assert.Equal(2, mailbox[c.Email].Count()));
    }

    [Fact]
    public async Task CancelledCampaignCannotBeLaunchedAndSendsNothing()
    {
        using var campaigns = new CampaignsTestClient(fixture);
        var contact = await campaigns.CreateContactAsync();
        var campaign = await campaigns.CreateCampaignAsync(CampaignsTestClient.EmailCampaign([contact.Id]));
        await campaigns.PostAsync(campaign, "cancel");

        var problem = await campaigns.PostAsync(campaign, "launch", HttpStatusCode.BadRequest);

        Assert.Contains("cancelled", problem.GetProperty("errors").GetProperty("status")[0].GetString());
        Assert.Empty(await campaigns.MessagesAsync(campaign));
    }

    private static async Task WaitUntilReleaseSettlesAsync(CampaignsTestClient campaigns, Guid campaign)
    {
        var previous = -1;
        await Eventually.Until(async () =>
        {
            await Task.Delay(600, Ct);
            var released = (await campaigns.StatisticsAsync(campaign)).GetProperty("released").GetInt32();
            var settled = released == previous;
            previous = released;
            return settled;
        }, settled => settled, TimeSpan.FromSeconds(20), "no more messages released while paused");
    }
}
