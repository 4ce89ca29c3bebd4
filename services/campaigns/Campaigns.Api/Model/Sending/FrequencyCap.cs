namespace CustomerBase.Campaigns.Model;

/// <summary>
/// At most <see cref="MaxMessages"/> capped messages per contact in any <see cref="Period"/> (across all campaigns).
/// A message over the cap is deferred, not dropped: to the moment the oldest counted message leaves the period.
/// </summary>
public sealed record FrequencyCap(int MaxMessages, TimeSpan Period)
{
    /// <summary>Null when a message may go at <paramref name="now"/>; else the earliest moment it may.</summary>
    public DateTimeOffset? DeferUntil(IReadOnlyCollection<DateTimeOffset> released, DateTimeOffset now)
    {
        var inPeriod = released.Where(at => at > now - Period).Order().ToList();
        if (inPeriod.Count < MaxMessages)
        {
            return null;
        }
        // With 2 allowed and 3 in the period, the message waits until two of them have left it.
        return inPeriod[inPeriod.Count - MaxMessages] + Period;
    }
}
