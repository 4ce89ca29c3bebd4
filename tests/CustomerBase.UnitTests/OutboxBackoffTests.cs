using CustomerBase.Messaging;

namespace CustomerBase.UnitTests;

public sealed class OutboxBackoffTests
{
    [Fact]
    public void BackoffDoublesFromHalfASecond()
    {
        var max = TimeSpan.FromSeconds(30);

        Assert.Equal([0.5, 1, 2, 4], Enumerable.Range(1, 4).Select(a => OutboxBackoff.Delay(a, max).TotalSeconds));
    }

    [Fact]
    public void BackoffIsCapped() => Assert.Equal(TimeSpan.FromSeconds(30), OutboxBackoff.Delay(1000, TimeSpan.FromSeconds(30)));
}
