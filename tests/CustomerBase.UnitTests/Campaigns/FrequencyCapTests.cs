using CustomerBase.Campaigns.Model;
using Microsoft.Extensions.Time.Testing;

namespace CustomerBase.UnitTests.Campaigns;

public sealed class FrequencyCapTests
{
    private static readonly FrequencyCap TwoAWeek = new(2, TimeSpan.FromDays(7));

    [Fact]
    public void UnderTheCapTheMessageGoes()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 6, 10, 9, 0, 0, TimeSpan.Zero));

        Assert.Null(TwoAWeek.DeferUntil([clock.GetUtcNow().AddDays(-1)], clock.GetUtcNow()));
    }

    [Fact]
    public void TheThirdMessageInAWeekIsDeferredToWhenTheFirstLeavesTheWeek()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 6, 10, 9, 0, 0, TimeSpan.Zero));
        var first = clock.GetUtcNow();
        clock.Advance(TimeSpan.FromDays(2));
        var second = clock.GetUtcNow();
        clock.Advance(TimeSpan.FromHours(3));

        var deferredTo = TwoAWeek.DeferUntil([second, first], clock.GetUtcNow());

        Assert.Equal(first.AddDays(7), deferredTo);
        clock.SetUtcNow(deferredTo!.Value);
        Assert.Null(TwoAWeek.DeferUntil([first, second], clock.GetUtcNow()));
    }

    [Fact]
    public void MessagesOlderThanThePeriodDoNotCount()
    {
        var now = new DateTimeOffset(2026, 6, 10, 9, 0, 0, TimeSpan.Zero);

        Assert.Null(TwoAWeek.DeferUntil([now.AddDays(-8), now.AddDays(-7), now.AddDays(-1)], now));
    }
}
