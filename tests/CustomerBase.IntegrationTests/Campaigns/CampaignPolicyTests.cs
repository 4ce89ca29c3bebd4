using System.Text.Json;

namespace CustomerBase.IntegrationTests.Campaigns;

/// <summary>The release loop's policies against the real service: the frequency cap (Redis) and the send window.</summary>
public sealed class CampaignPolicyTests(SystemFixture fixture)
{
    [Fact]
    public async Task FrequencyCapDefersTheThirdMarketingMessageToTheNextWeek()
    {
        using var campaigns = new CampaignsTestClient(fixture);
        var contact = await campaigns.CreateContactAsync();
        await campaigns.WaitUntilSegmentationKnowsAsync([contact.Id]);
        var released = new List<DateTimeOffset>();

        for (var i = 0; i < 2; i++)
        {
            var campaign = await campaigns.CreateCampaignAsync(CampaignsTestClient.EmailCampaign([contact.Id]));
            await campaigns.PostAsync(campaign, "launch");
            await campaigns.WaitForStatisticsAsync(campaign, s => s.GetProperty("released").GetInt32() == 1, $"campaign {i + 1} released");
            released.Add((await campaigns.MessagesAsync(campaign)).Single().GetProperty("releasedAt").GetDateTimeOffset());
        }
        var third = await campaigns.CreateCampaignAsync(CampaignsTestClient.EmailCampaign([contact.Id]));
        await campaigns.PostAsync(third, "launch");
        var stats = await campaigns.WaitForStatisticsAsync(third, s => s.GetProperty("deferredByReason").TryGetProperty("cap", out _), "the third deferred by the cap");

        var message = (await campaigns.MessagesAsync(third)).Single();
        Assert.Equal("pending", message.GetProperty("status").GetString());
        Assert.Equal(0, stats.GetProperty("released").GetInt32());
        // The cap is 2 a week: the third may go once the first of the two leaves the week.
        Assert.Equal(released.Min().AddDays(7), message.GetProperty("notBefore").GetDateTimeOffset(), TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task MessageOutsideTheContactsCallWindowWaitsForItsStart()
    {
        using var campaigns = new CampaignsTestClient(fixture);
        var now = DateTimeOffset.UtcNow;
        // A window of one hour that starts three hours from now, every day, in the contact's own zone (UTC+5, no DST).
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Tashkent");
        var localStart = TimeZoneInfo.ConvertTime(now.AddHours(3), zone);
        var from = new TimeOnly(localStart.Hour, 0);
        // A window may not run past midnight: from 23:00 it ends at 23:59 (this test failed every day at 15:xx UTC).
        var to = from.Hour == 23 ? new TimeOnly(23, 59) : from.AddHours(1);
        var contact = await campaigns.CreateContactAsync(extra: new
        {
            timeZone = "Asia/Tashkent",
            callWindow = new { days = new[] { "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday" }, from = from.ToString("HH:mm"), to = to.ToString("HH:mm") },
        });
        await campaigns.WaitUntilSegmentationKnowsAsync([contact.Id]);
        var campaign = await campaigns.CreateCampaignAsync(CampaignsTestClient.EmailCampaign([contact.Id], policies: new { respectSendWindow = true }));

        await campaigns.PostAsync(campaign, "launch");
        await campaigns.WaitForStatisticsAsync(campaign, s => s.GetProperty("deferredByReason").TryGetProperty("window", out _), "deferred to the window");

        var message = (await campaigns.MessagesAsync(campaign)).Single();
        var expected = new DateTimeOffset(localStart.Year, localStart.Month, localStart.Day, from.Hour, 0, 0, TimeSpan.FromHours(5));
        Assert.Equal(expected, message.GetProperty("notBefore").GetDateTimeOffset());
        Assert.Equal("pending", message.GetProperty("status").GetString());
    }
}
