using CustomerBase.Campaigns.Model;
using Microsoft.Extensions.Time.Testing;

namespace CustomerBase.UnitTests.Campaigns;

public sealed class SendWindowTests
{
    private static readonly TimeZoneInfo Warsaw = TimeZoneInfo.FindSystemTimeZoneById("Europe/Warsaw");

    [Fact]
    public void InsideTheWindowTheMessageGoesNow()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 6, 10, 10, 0, 0, TimeSpan.Zero)); // 12:00 in Warsaw (CEST)
        var window = new SendWindow(Warsaw, SendWindow.EveryDay, new TimeOnly(9, 0), new TimeOnly(21, 0));

        Assert.Equal(clock.GetUtcNow(), window.NextAllowed(clock.GetUtcNow()));
    }

    [Fact]
    public void DuringQuietHoursTheMessageWaitsForTheMorningInTheContactsZone()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 6, 10, 21, 30, 0, TimeSpan.Zero)); // 23:30 in Warsaw
        var window = new SendWindow(Warsaw, SendWindow.EveryDay, new TimeOnly(9, 0), new TimeOnly(21, 0));

        Assert.Equal(new DateTimeOffset(2026, 6, 11, 7, 0, 0, TimeSpan.Zero), window.NextAllowed(clock.GetUtcNow())); // 09:00 CEST
    }

    [Fact]
    public void CallWindowOnWeekdaysSkipsTheWeekend()
    {
        var friday = new DateTimeOffset(2026, 6, 12, 17, 0, 0, TimeSpan.Zero); // Friday 19:00 in Warsaw, after the window
        var weekdays = SendWindow.CallWindow.Parse(["monday", "tuesday", "wednesday", "thursday", "friday"], "10:00", "18:00")!;
        var window = new SendWindow(Warsaw, weekdays.Days, weekdays.From, weekdays.To);

        Assert.Equal(new DateTimeOffset(2026, 6, 15, 8, 0, 0, TimeSpan.Zero), window.NextAllowed(friday)); // Monday 10:00 CEST
    }

    [Fact]
    public void WindowAcrossMidnightIsOpenAfterMidnight()
    {
        var window = new SendWindow(TimeZoneInfo.Utc, SendWindow.EveryDay, new TimeOnly(22, 0), new TimeOnly(2, 0));
        var at = new DateTimeOffset(2026, 6, 11, 1, 0, 0, TimeSpan.Zero);

        Assert.Equal(at, window.NextAllowed(at));
        Assert.Equal(new DateTimeOffset(2026, 6, 11, 22, 0, 0, TimeSpan.Zero), window.NextAllowed(at.AddHours(2)));
    }

    [Fact]
    public void AStartInTheSpringForwardGapOpensWhenTheClockJumps()
    {
        // 29 March 2026: Warsaw jumps from 02:00 to 03:00; a window starting 02:30 opens at 03:00 local (01:00 UTC).
        var window = new SendWindow(Warsaw, SendWindow.EveryDay, new TimeOnly(2, 30), new TimeOnly(5, 0));
        var before = new DateTimeOffset(2026, 3, 28, 23, 0, 0, TimeSpan.Zero);

        Assert.Equal(new DateTimeOffset(2026, 3, 29, 1, 0, 0, TimeSpan.Zero), window.NextAllowed(before));
    }
}
