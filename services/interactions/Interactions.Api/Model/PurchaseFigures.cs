namespace CustomerBase.Interactions.Model;

/// <summary>
/// The figures of <c>contact_purchase_stats</c> worked out from a contact's order dates and spend per category, as the
/// refresh's SQL works them out from its orders: an ingest merges its orders into the stored dates and spend in memory
/// (ADR 34), and must arrive at what a full recompute would.
/// </summary>
public static class PurchaseFigures
{
    private const decimal MicrosecondsPerDay = 86_400_000_000m;

    /// <summary>
    /// The median gap between consecutive orders, in days, as <c>percentile_cont(0.5)</c> over the gaps gives it (the
    /// mean of the middle two when their number is even); 0 with fewer than two orders.
    /// </summary>
    public static double MedianIntervalDays(IReadOnlyList<DateTime> sortedDates)
    {
        if (sortedDates.Count < 2)
        {
            return 0;
        }
        var gaps = new double[sortedDates.Count - 1];
        for (var i = 1; i < sortedDates.Count; i++)
        {
            // PostgreSQL divides the gap's exact seconds as numeric (rounded to about 16 digits) and converts the quotient
            // to a double; so does this, with decimal's 28 digits: the two can differ in the last bit.
            gaps[i - 1] = (double)((sortedDates[i].Ticks - sortedDates[i - 1].Ticks) / 10 / MicrosecondsPerDay);
        }
        Array.Sort(gaps);
        var middle = (gaps.Length - 1) / 2;
        return gaps.Length % 2 == 1 ? gaps[middle] : gaps[middle] + (gaps[middle + 1] - gaps[middle]) * 0.5;
    }

    /// <summary>The <paramref name="count"/> categories with the most spend; ties by code point, as the SQL orders them (<c>COLLATE "C"</c>).</summary>
    public static string[] TopCategories(IReadOnlyDictionary<string, decimal> spend, int count) =>
        [.. spend.OrderByDescending(e => e.Value).ThenBy(e => e.Key, CodePointOrder.Instance).Take(count).Select(e => e.Key)];

    /// <summary>Two ascending runs of dates as one.</summary>
    public static DateTime[] MergeSorted(IReadOnlyList<DateTime> a, IReadOnlyList<DateTime> b)
    {
        var merged = new DateTime[a.Count + b.Count];
        int i = 0, j = 0, k = 0;
        while (i < a.Count && j < b.Count)
        {
            merged[k++] = a[i] <= b[j] ? a[i++] : b[j++];
        }
        while (i < a.Count)
        {
            merged[k++] = a[i++];
        }
        while (j < b.Count)
        {
            merged[k++] = b[j++];
        }
        return merged;
    }

    /// <summary>Strings by Unicode code point, as PostgreSQL's "C" collation orders UTF-8 text (UTF-16 order differs past U+FFFF).</summary>
    private sealed class CodePointOrder : IComparer<string>
    {
        public static readonly CodePointOrder Instance = new();

        public int Compare(string? x, string? y)
        {
            ReadOnlySpan<char> a = x, b = y;
            var n = Math.Min(a.Length, b.Length);
            for (var i = 0; i < n; i++)
            {
                if (a[i] != b[i])
                {
                    // A surrogate (U+D800–DFFF) stands for a code point above every other UTF-16 unit.
                    bool sa = char.IsSurrogate(a[i]), sb = char.IsSurrogate(b[i]);
                    return sa == sb ? a[i].CompareTo(b[i]) : sa ? 1 : -1;
                }
            }
            return a.Length.CompareTo(b.Length);
        }
    }
}
