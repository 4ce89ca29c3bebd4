namespace CustomerBase.Campaigns.Model;

/// <summary>
/// When a birthday campaign's message for a contact goes: <see cref="CampaignTrigger.DaysBefore"/> days before their
/// birthday, at <see cref="CampaignTrigger.LocalHour"/> of their local day. Once per year: the birthday's year is the
/// message's occurrence. Pure arithmetic over a given moment, so tests drive it with a fake clock.
/// </summary>
public static class BirthdayTrigger
{
    /// <summary>The moment for the birthday in <paramref name="year"/> (29 February counts as 28 February in other years).</summary>
    public static DateTimeOffset FireMoment(DateOnly birthDate, TimeZoneInfo zone, int daysBefore, int localHour, int year)
    {
        var day = birthDate.Month == 2 && birthDate.Day == 29 && !DateTime.IsLeapYear(year)
            ? new DateOnly(year, 2, 28)
            : new DateOnly(year, birthDate.Month, birthDate.Day);
        var local = day.AddDays(-daysBefore).ToDateTime(new TimeOnly(localHour, 0));
        while (zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(30);
        }
        return new DateTimeOffset(local, zone.GetUtcOffset(local)).ToUniversalTime();
    }

    /// <summary>
    /// The birthday (its year and the moment to send) whose moment falls within (<paramref name="now"/> − <paramref name="lateBy"/>,
    /// <paramref name="now"/> + <paramref name="ahead"/>], or null. A scan that ran late still sends within <paramref name="lateBy"/>.
    /// </summary>
    public static (int Year, DateTimeOffset At)? Due(DateOnly birthDate, TimeZoneInfo zone, int daysBefore, int localHour,
        DateTimeOffset now, TimeSpan ahead, TimeSpan lateBy)
    {
        var localYear = TimeZoneInfo.ConvertTime(now, zone).Year;
        for (var year = localYear - 1; year <= localYear + 1; year++)
        {
            var at = FireMoment(birthDate, zone, daysBefore, localHour, year);
            if (at > now - lateBy && at <= now + ahead)
            {
                return (year, at);
            }
        }
        return null;
    }
}
