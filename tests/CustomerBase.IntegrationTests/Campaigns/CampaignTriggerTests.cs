using CustomerBase.Segmentation.Contracts;
using System.Net.Http.Json;

namespace CustomerBase.IntegrationTests.Campaigns;

/// <summary>Triggers: entering a segment (the event published on the bus as segmentation will), and birthdays.</summary>
public sealed class CampaignTriggerTests(SystemFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EnteringASegmentSendsTheWinBackOfferOncePerEntry()
    {
        using var campaigns = new CampaignsTestClient(fixture);
        var contact = await campaigns.CreateContactAsync();
        var segment = Guid.NewGuid();
        var campaign = await campaigns.CreateCampaignAsync(CampaignsTestClient.EmailCampaign([contact.Id],
            schedule: new { kind = "trigger" }, trigger: new { kind = "segment-entered", segmentId = segment }));
        await campaigns.PostAsync(campaign, "launch");

        var entered = new SegmentMembershipChanged(segment, contact.Id, MembershipChange.Entered, DateTimeOffset.UtcNow);
        // The same entry announced twice, and an entry into another segment (not this campaign's).
        await campaigns.PublishAsync(entered, entered, entered with { SegmentId = Guid.NewGuid() });

        await campaigns.WaitForStatisticsAsync(campaign, s => s.GetProperty("sent").GetInt32() == 1, "the offer sent");
        var mail = Assert.Single((await campaigns.MailboxAsync())[contact.Email]);
        Assert.Equal("Hello Irina", mail.GetProperty("subject").GetString());
        Assert.Single(await campaigns.MessagesAsync(campaign));
    }

    [Fact]
    public async Task FollowUpGoesTheGivenDaysAfterAVisitAndNamesItsDate()
    {
        using var campaigns = new CampaignsTestClient(fixture);
        var contact = await campaigns.CreateContactAsync(extra: new { timeZone = "Europe/Warsaw" });
        var campaign = await campaigns.CreateCampaignAsync(new
        {
            name = "pedicure follow-up", purpose = "marketing", channel = "email", audience = new { contactIds = new[] { contact.Id } },
            subject = "How is your pedicure?",
            body = "{{ contact.first_name }}, hello! You were our guest on {{ last_visit.date | date: \"%d.%m\" }} — how is your pedicure?",
            schedule = new { kind = "trigger" }, trigger = new { kind = "follow-up", interactionKind = "visit", daysAfter = 14 },
            policies = new { respectSendWindow = false },
        });
        await campaigns.PostAsync(campaign, "launch");
        // A visit fifteen days ago (15 February at 18:00 in Warsaw would do as well): its follow-up is due already.
        var visitedAt = DateTimeOffset.UtcNow.AddDays(-15);
        using var visit = await campaigns.Gateway.PostAsJsonAsync("/api/interactions",
            new { contactId = contact.Id, kind = "visit", occurredAt = visitedAt, visit = new { location = "Salon", services = new[] { "pedicure" } } }, Ct);
        visit.EnsureSuccessStatusCode();

        await campaigns.WaitForStatisticsAsync(campaign, s => s.GetProperty("sent").GetInt32() == 1, "the follow-up sent");

        var mail = Assert.Single((await campaigns.MailboxAsync())[contact.Email]);
        var localDate = TimeZoneInfo.ConvertTime(visitedAt, TimeZoneInfo.FindSystemTimeZoneById("Europe/Warsaw"));
        Assert.StartsWith($"Irina, hello! You were our guest on {localDate:dd.MM} — how is your pedicure?", mail.GetProperty("text").GetString());
    }

    [Fact]
    public async Task BirthdayTriggerRecordsOneMessageForTheLocalHourOfTheDay()
    {
        using var campaigns = new CampaignsTestClient(fixture);
        var zone = TimeZoneInfo.FindSystemTimeZoneById("America/Sao_Paulo"); // UTC−3, no DST
        var local = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow.AddHours(5), zone);
        // Two days before a birthday that is two days after the local day five hours from now, at that hour.
        var birthday = DateOnly.FromDateTime(local.DateTime).AddDays(2).AddYears(-30);
        var contact = await campaigns.CreateContactAsync(extra: new { timeZone = "America/Sao_Paulo", birthDate = birthday.ToString("yyyy-MM-dd") });
        await campaigns.WaitUntilSegmentationKnowsAsync([contact.Id]);
        var campaign = await campaigns.CreateCampaignAsync(CampaignsTestClient.EmailCampaign([contact.Id],
            schedule: new { kind = "trigger" }, trigger: new { kind = "birthday", daysBefore = 2, localHour = local.Hour }));

        await campaigns.PostAsync(campaign, "launch");
        var messages = await Eventually.Until(() => campaigns.MessagesAsync(campaign), m => m.Count > 0, TimeSpan.FromSeconds(30), "the birthday message recorded", TimeSpan.FromMilliseconds(500));
        await Task.Delay(TimeSpan.FromSeconds(5), Ct); // two more scans (every 2 s in tests) must not add a second one
        messages = await campaigns.MessagesAsync(campaign);

        var message = Assert.Single(messages);
        Assert.Equal($"birthday-{local.Year}", message.GetProperty("occurrence").GetString());
        var expected = new DateTimeOffset(local.Year, local.Month, local.Day, local.Hour, 0, 0, TimeSpan.FromHours(-3));
        Assert.Equal(expected, message.GetProperty("notBefore").GetDateTimeOffset());
        Assert.Equal("pending", message.GetProperty("status").GetString());
    }
}
