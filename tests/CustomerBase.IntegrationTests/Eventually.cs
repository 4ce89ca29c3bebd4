namespace CustomerBase.IntegrationTests;

/// <summary>Awaits a condition that other processes make true (an event consumed), polling briefly, within a bound.</summary>
public static class Eventually
{
    /// <param name="pollEvery">50 ms by default; slower for probes that go through the rate-limited gateway.</param>
    public static async Task<T> Until<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan? timeout = null, string? what = null, TimeSpan? pollEvery = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        T last;
        do
        {
            last = await probe();
            if (done(last))
            {
                return last;
            }
            await Task.Delay(pollEvery ?? TimeSpan.FromMilliseconds(50), TestContext.Current.CancellationToken);
        }
        while (DateTime.UtcNow < deadline);
        throw new TimeoutException($"Condition not met within the bound: {what ?? "(unnamed)"}; last value: {last}");
    }
}
