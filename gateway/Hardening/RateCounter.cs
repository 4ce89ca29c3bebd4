using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CustomerBase.Gateway.Hardening;

/// <summary>
/// Request counts per identity and fixed window, shared by every gateway replica through Redis without a Redis round
/// trip per request: each replica counts locally and, every <see cref="SyncInterval"/>, adds its new requests to the
/// shared counter (INCRBY) and learns the total. A decision uses the last known total plus what this replica has not
/// sent yet, so other replicas' traffic is seen within one interval. If Redis is down, each replica still limits
/// what it sees itself, and sends its counts when Redis is back.
/// </summary>
public sealed class RateCounter(IConnectionMultiplexer redis, IOptionsMonitor<RateLimitOptions> options, ILogger<RateCounter> logger)
    : BackgroundService
{
    public static readonly TimeSpan SyncInterval = TimeSpan.FromMilliseconds(100);
    private readonly ConcurrentDictionary<string, Window> _windows = new();

    private sealed class Window(long index)
    {
        public readonly long Index = index;
        public long Unsent;
        public long SharedTotal;
    }

    /// <summary>Counts one request of <paramref name="identity"/> and returns its count in the current window.</summary>
    public long Count(string identity, long windowIndex)
    {
        var window = _windows.GetOrAdd($"ratelimit:{identity}:{windowIndex}", _ => new Window(windowIndex));
        var unsent = Interlocked.Increment(ref window.Unsent);
        return Interlocked.Read(ref window.SharedTotal) + unsent;
    }

    /// <summary>The count as this replica knows it now, without counting a request.</summary>
    public long Current(string identity, long windowIndex) =>
        _windows.TryGetValue($"ratelimit:{identity}:{windowIndex}", out var window)
            ? Interlocked.Read(ref window.SharedTotal) + Interlocked.Read(ref window.Unsent)
            : 0;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(SyncInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            await SyncAsync();
        }
    }

    private async Task SyncAsync()
    {
        var windowMs = (long)options.CurrentValue.Window.TotalMilliseconds;
        var current = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / windowMs;
        var batch = redis.GetDatabase().CreateBatch();
        var pending = new List<(string Key, Window Window, long Sent, Task<long> Total)>();
        foreach (var (key, window) in _windows)
        {
            if (window.Index < current - 1)
            {
                _windows.TryRemove(key, out _); // a past window no longer decides anything
                continue;
            }
            var sent = Interlocked.Exchange(ref window.Unsent, 0);
            var total = batch.StringIncrementAsync(key, sent);
            _ = batch.KeyExpireAsync(key, TimeSpan.FromMilliseconds(windowMs * 2));
            pending.Add((key, window, sent, total));
        }
        if (pending.Count == 0)
        {
            return;
        }
        batch.Execute();
        foreach (var (_, window, sent, total) in pending)
        {
            try
            {
                Interlocked.Exchange(ref window.SharedTotal, await total);
            }
            catch (RedisException ex)
            {
                // Keep the requests we could not send; they go with the next sync.
                Interlocked.Add(ref window.Unsent, sent);
                logger.LogWarning("Rate counters not shared this round, Redis unavailable: {ExceptionType}", ex.GetType().Name);
            }
        }
    }
}
