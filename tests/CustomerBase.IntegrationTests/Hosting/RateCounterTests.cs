using CustomerBase.Gateway.Hardening;
using CustomerBase.Hosting;
using CustomerBase.Hosting.Servers;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CustomerBase.IntegrationTests.Hosting;

/// <summary>Two gateway replicas' rate counters on one real Redis: each sees the other's requests after a sync.</summary>
public sealed class RateCounterTests : IAsyncLifetime
{
    private readonly TemporaryDataDirectory _data = new("ratecounter");
    private RedisServer _redis = null!;
    private ConnectionMultiplexer _connection = null!;

    public async ValueTask InitializeAsync()
    {
        _redis = new RedisServer(Path.Combine(_data.Path, "redis"), PortAllocator.GetFreePort());
        await _redis.StartAsync(TestContext.Current.CancellationToken);
        _connection = await ConnectionMultiplexer.ConnectAsync(_redis.ConnectionString);
    }

    [Fact]
    public async Task ReplicasShareTheirCountsThroughRedis()
    {
        var options = new FixedOptions(new RateLimitOptions { Window = TimeSpan.FromMinutes(1) });
        using var replicaA = new RateCounter(_connection, options, NullLogger<RateCounter>.Instance);
        using var replicaB = new RateCounter(_connection, options, NullLogger<RateCounter>.Instance);
        await replicaA.StartAsync(TestContext.Current.CancellationToken);
        await replicaB.StartAsync(TestContext.Current.CancellationToken);
        var window = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 60_000;
        var identity = $"user:{Guid.NewGuid():N}";

        for (var i = 0; i < 150; i++) replicaA.Count(identity, window);
        for (var i = 0; i < 100; i++) replicaB.Count(identity, window);

        await Eventually.Until(() => Task.FromResult((replicaA.Current(identity, window), replicaB.Current(identity, window))),
            counts => counts == (250, 250), what: "both replicas counting 250");
        Assert.Equal("250", (await _connection.GetDatabase().StringGetAsync($"ratelimit:{identity}:{window}")).ToString());
        await replicaA.StopAsync(TestContext.Current.CancellationToken);
        await replicaB.StopAsync(TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _connection.DisposeAsync();
        await _redis.DisposeAsync();
        _data.Dispose();
    }

    private sealed class FixedOptions(RateLimitOptions value) : IOptionsMonitor<RateLimitOptions>
    {
        public RateLimitOptions CurrentValue => value;
        public RateLimitOptions Get(string? name) => value;
        public IDisposable? OnChange(Action<RateLimitOptions, string?> listener) => null;
    }
}
