using System.Globalization;

namespace CustomerBase.Campaigns.Model;

/// <summary>
/// When a recipient may be messaged: on some weekdays, between two local times, in their time zone. The next allowed
/// moment is what a deferred message waits for. Pure arithmetic, so tests drive it with a fake clock.
/// </summary>
public sealed record SendWindow(TimeZoneInfo Zone, int Days, TimeOnly From, TimeOnly To)
{
    /// <summary>Bit 0 = Monday … bit 6 = Sunday; 0 means every day.</summary>
    public const int EveryDay = 0;

    private static readonly string[] DayNames = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];

    /// <summary>A contact's call window as contacts gives it: day names and HH:mm bounds.</summary>
    public sealed record CallWindow(int Days, TimeOnly From, TimeOnly To)
    {
        public static CallWindow? Parse(IEnumerable<string> days, string from, string to)
        {
            if (!TimeOnly.TryParseExact(from, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var start)
                || !TimeOnly.TryParseExact(to, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var end))
            {
                return null;
            }
            var mask = 0;
            foreach (var day in days)
            {
                var index = Array.IndexOf(DayNames, day.ToLowerInvariant());
                if (index >= 0)
                {
                    mask |= 1 << index;
                }
            }
            return new CallWindow(mask, start, end);
        }
    }

    public static TimeZoneInfo FindZone(string? id)
    {
        if (string.IsNullOrEmpty(id))
        {
            return TimeZoneInfo.Utc;
        }
        return TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : TimeZoneInfo.Utc;
    }

    /// <summary>The window of a message: the contact's call window when they have one, else the hours outside quiet hours.</summary>
    public static SendWindow For(string? timeZone, int windowDays, TimeOnly? windowFrom, TimeOnly? windowTo, CampaignPolicies policies) =>
        windowFrom is { } from && windowTo is { } to
            ? new SendWindow(FindZone(timeZone), windowDays, from, to)
            : new SendWindow(FindZone(timeZone), EveryDay, TimeOnly.Parse(policies.QuietHoursEnd, CultureInfo.InvariantCulture),
                TimeOnly.Parse(policies.QuietHoursStart, CultureInfo.InvariantCulture));

    /// <summary><paramref name="now"/> when it is inside the window, else the start of the next window (within a week).</summary>
    public DateTimeOffset NextAllowed(DateTimeOffset now)
    {
        var local = TimeZoneInfo.ConvertTime(now, Zone);
        // A window that ends past midnight (22:00–02:00) belongs to the day it starts on: look one day back as well.
        for (var offset = -1; offset <= 7; offset++)
        {
            var day = DateOnly.FromDateTime(local.DateTime).AddDays(offset);
            if (!IsAllowedDay(day.DayOfWeek))
            {
                continue;
            }
            var start = day.ToDateTime(From);
            var end = To > From ? day.ToDateTime(To) : day.AddDays(1).ToDateTime(To);
            if (local.DateTime >= start && local.DateTime < end)
            {
                return now;
            }
            if (start > local.DateTime)
            {
                return ToUtc(start);
            }
        }
        return now; // no allowed day at all: a window that never opens must not hold a message for ever
    }

    private bool IsAllowedDay(DayOfWeek day) => Days == EveryDay || (Days & (1 << (((int)day + 6) % 7))) != 0;

    private DateTimeOffset ToUtc(DateTime local)
    {
        // A start inside the spring-forward gap does not exist locally: the window opens when the clock jumps.
        while (Zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(30);
        }
        var offset = Zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset).ToUniversalTime();
    }
}
