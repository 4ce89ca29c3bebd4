using CustomerBase.Campaigns.Model;
using Microsoft.Extensions.Time.Testing;

namespace CustomerBase.UnitTests.Campaigns;

public sealed class BirthdayTriggerTests
{
    private static readonly TimeZoneInfo Warsaw = TimeZoneInfo.FindSystemTimeZoneById("Europe/Warsaw");
    private static readonly DateOnly Birthday = new(1990, 6, 15);

    [Fact]
    public void FiresNDaysBeforeAtTheLocalHour()
    {
        Assert.Equal(new DateTimeOffset(2026, 6, 12, 8, 0, 0, TimeSpan.Zero), BirthdayTrigger.FireMoment(Birthday, Warsaw, 3, 10, 2026)); // 10:00 CEST
    }

    [Fact]
    public void IsDueOnceAsTheClockPassesAndNotAgainThatYear()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 6, 11, 0, 0, 0, TimeSpan.Zero));
        var ahead = TimeSpan.FromHours(1);
        var dueAt = new List<(int, DateTimeOffset)>();
        for (var hour = 0; hour < 24 * 30; hour++)
        {
            if (BirthdayTrigger.Due(Birthday, Warsaw, 3, 10, clock.GetUtcNow(), ahead, TimeSpan.Zero) is { } due && !dueAt.Contains(due))
            {
                dueAt.Add(due);
            }
            clock.Advance(TimeSpan.FromHours(1));
        }

        var (year, at) = Assert.Single(dueAt);
        Assert.Equal((2026, new DateTimeOffset(2026, 6, 12, 8, 0, 0, TimeSpan.Zero)), (year, at));
    }

    [Fact]
    public void LeapDayBirthdayIsCelebratedOnTheTwentyEighthInOtherYears()
    {
        Assert.Equal(new DateTimeOffset(2027, 2, 28, 9, 0, 0, TimeSpan.Zero), BirthdayTrigger.FireMoment(new DateOnly(2000, 2, 29), TimeZoneInfo.Utc, 0, 9, 2027));
    }
}
