using System.Text.Json;
using CustomerBase.ServiceDefaults;

namespace CustomerBase.IntegrationTests.Campaigns;

/// <summary>
/// Restarting the campaigns service, or the broker, in the middle of a launch. Alone, after the parallel tests: the
/// service or the broker goes away for a moment.
/// </summary>
[Collection(nameof(CampaignRestartTests))]
[CollectionDefinition(nameof(CampaignRestartTests), DisableParallelization = true)]
public sealed class CampaignRestartTests(SystemFixture fixture)
{
    [Fact]
    public async Task RestartOfTheServiceMidLaunchSendsNoDuplicates()
    {
        using var campaigns = new CampaignsTestClient(fixture);
        const int total = 60;
        var contacts = await campaigns.CreateContactsAsync(total, consents: _ => true);
        var ids = contacts.Select(c => c.Id).ToList();
        await campaigns.WaitUntilSegmentationKnowsAsync(ids);
        var campaign = await campaigns.CreateCampaignAsync(CampaignsTestClient.EmailCampaign(ids, policies: new { respectSendWindow = false, messagesPerSecond = 6 }));

        await campaigns.PostAsync(campaign, "launch");
        await campaigns.WaitForStatisticsAsync(campaign, s => s.GetProperty("sent").GetInt32() >= 10, "the first e-mails sent");
        await fixture.System.Service(ResourceNames.Campaigns).RestartAsync(TestContext.Current.CancellationToken);

        var stats = await campaigns.WaitForStatisticsAsync(campaign, s => s.GetProperty("sent").GetInt32() == total, "every e-mail sent after the restart", TimeSpan.FromSeconds(90));
        var mailbox = await campaigns.MailboxAsync();
        Assert.All(contacts, c => Assert.Single(mailbox[c.Email]));
        Assert.Equal(total, stats.GetProperty("targeted").GetInt32());
    }

    [Fact]
    public async Task MessagesReleasedWhileTheBrokerIsAwayStayPendingAndGoOnceItIsBack()
    {
        var ct = TestContext.Current.CancellationToken;
        using var campaigns = new CampaignsTestClient(fixture);
        const int total = 5;
        var contacts = await campaigns.CreateContactsAsync(total, consents: _ => true);
        var ids = contacts.Select(c => c.Id).ToList();
        await campaigns.WaitUntilSegmentationKnowsAsync(ids);
        var campaign = await campaigns.CreateCampaignAsync(CampaignsTestClient.EmailCampaign(ids));

        await fixture.System.RabbitMq.StopAsync(ct);
        try
        {
            await campaigns.PostAsync(campaign, "launch");
            var recorded = (await Eventually.Until(() => campaigns.MessagesAsync(campaign), m => m.Count == total, what: "the messages recorded"))
                .ToDictionary(m => m.GetProperty("id").GetGuid(), NotBefore);
            // Each failed publish leaves the message pending and moves its next attempt on.
            var retried = await Eventually.Until(() => campaigns.MessagesAsync(campaign),
                m => m.All(x => NotBefore(x) > recorded[x.GetProperty("id").GetGuid()]), TimeSpan.FromSeconds(60), "a failed release of every message");
            Assert.All(retried, m => Assert.Equal("pending", m.GetProperty("status").GetString()));
        }
        finally
        {
            await fixture.System.RabbitMq.StartAsync(ct);
        }

        await campaigns.WaitForStatisticsAsync(campaign, s => s.GetProperty("sent").GetInt32() == total, "every e-mail sent once the broker is back", TimeSpan.FromSeconds(90));
        var mailbox = await campaigns.MailboxAsync();
        Assert.All(contacts, c => Assert.Single(mailbox[c.Email]));
    }

    private static DateTimeOffset NotBefore(JsonElement message) => message.GetProperty("notBefore").GetDateTimeOffset();
}
