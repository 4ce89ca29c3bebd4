using CustomerBase.Interactions.Model;

namespace CustomerBase.UnitTests.Interactions;

/// <summary>The figures an ingest's merge works out in memory, as the refresh's SQL works them out (ADR 34).</summary>
public sealed class PurchaseFiguresTests
{
    private static readonly DateTime Day = new(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void TheMedianIntervalIsTheMiddleGapOrTheMeanOfTheMiddleTwo()
    {
        // Gaps 4, 10, 30 days: the middle one.
        Assert.Equal(10d, PurchaseFigures.MedianIntervalDays([Day, Day.AddDays(4), Day.AddDays(14), Day.AddDays(44)]));
        // Gaps 1, 2, 6, 30 (given unsorted by size): the mean of 2 and 6.
        Assert.Equal(4d, PurchaseFigures.MedianIntervalDays([Day, Day.AddDays(30), Day.AddDays(31), Day.AddDays(37), Day.AddDays(39)]));
        // Half a day and an orders' twin (a gap of zero).
        Assert.Equal(0.25d, PurchaseFigures.MedianIntervalDays([Day, Day, Day.AddHours(12)]));
    }

    [Fact]
    public void FewerThanTwoOrdersHaveNoInterval()
    {
        Assert.Equal(0d, PurchaseFigures.MedianIntervalDays([]));
        Assert.Equal(0d, PurchaseFigures.MedianIntervalDays([Day]));
    }

    [Fact]
    public void TopCategoriesGoBySpendThenByCodePoint()
    {
        var spend = new Dictionary<string, decimal>
        {
            ["tea"] = 30m, ["coffee"] = 30.00m, ["care"] = 5m, ["gifts"] = 50m, ["\uFB01lters"] = 5m, ["\U0001F375 matcha"] = 5m,
        };

        Assert.Equal(["gifts", "coffee", "tea"], PurchaseFigures.TopCategories(spend, 3));
        // Equal spend: by code point, so U+FB01 comes before U+1F375 (UTF-16 order would put the surrogate pair first).
        Assert.Equal(["gifts", "coffee", "tea", "care", "\uFB01lters", "\U0001F375 matcha"], PurchaseFigures.TopCategories(spend, 10));
    }

    [Fact]
    public void MergingSortedDatesKeepsThemSortedWithTheirRepeats()
    {
        DateTime[] stored = [Day, Day.AddDays(2), Day.AddDays(5)];
        List<DateTime> added = [Day.AddDays(-1), Day.AddDays(2), Day.AddDays(9)];

        Assert.Equal([Day.AddDays(-1), Day, Day.AddDays(2), Day.AddDays(2), Day.AddDays(5), Day.AddDays(9)], PurchaseFigures.MergeSorted(stored, added));
    }
}
