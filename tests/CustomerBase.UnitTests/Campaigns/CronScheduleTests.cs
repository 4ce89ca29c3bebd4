using CustomerBase.Campaigns.Model;

namespace CustomerBase.UnitTests.Campaigns;

public sealed class CronScheduleTests
{
    [Fact]
    public void RecurringScheduleIsReadInItsTimeZone()
    {
        var schedule = new CampaignSchedule { Kind = ScheduleKinds.Cron, Cron = "0 9 * * MON", TimeZone = "Europe/Warsaw" };
        var sunday = new DateTimeOffset(2026, 6, 14, 12, 0, 0, TimeSpan.Zero);

        Assert.Equal(new DateTimeOffset(2026, 6, 15, 7, 0, 0, TimeSpan.Zero), CampaignScheduler.NextCronRun(schedule, sunday)); // 09:00 CEST
    }
}
