using CustomerBase.Segmentation.Infrastructure;
using Microsoft.EntityFrameworkCore;
using StackExchange.Redis;

namespace CustomerBase.Segmentation.Segments;

/// <summary>
/// Segment sizes and preview counts in Redis, read far more often than they change (every list of segments, every
/// keystroke of a rule being typed). A segment's count is forgotten when its membership changes and kept at most
/// <see cref="Lifetime"/> otherwise; Redis being away only costs a database count.
/// </summary>
public sealed class SegmentCounts(IConnectionMultiplexer redis, SegmentationDbContext db, ILogger<SegmentCounts> logger)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);

    private static RedisKey SegmentKey(Guid id) => $"segmentation:segment-count:{id:N}";

    public async Task<long> MembersAsync(Guid segmentId, CancellationToken ct)
    {
        var key = SegmentKey(segmentId);
        if (await TryGetAsync(key) is { } cached)
        {
            return cached;
        }
        var count = await db.SegmentMembers.LongCountAsync(m => m.SegmentId == segmentId, ct);
        await TrySetAsync(key, count);
        return count;
    }

    /// <summary>A preview count, cached by the rule's compiled form and the caller's scope.</summary>
    public async Task<long> PreviewAsync(string cacheKey, Func<Task<long>> count)
    {
        RedisKey key = $"segmentation:preview-count:{cacheKey}";
        if (await TryGetAsync(key) is { } cached)
        {
            return cached;
        }
        var value = await count();
        await TrySetAsync(key, value);
        return value;
    }

    public async Task ForgetAsync(IEnumerable<Guid> segmentIds)
    {
        var keys = segmentIds.Select(SegmentKey).ToArray();
        if (keys.Length == 0)
        {
            return;
        }
        try
        {
            await redis.GetDatabase().KeyDeleteAsync(keys);
        }
        catch (RedisException ex)
        {
            logger.LogWarning(ex, "Could not forget {Count} cached segment counts", keys.Length);
        }
    }

    private async Task<long?> TryGetAsync(RedisKey key)
    {
        try
        {
            var value = await redis.GetDatabase().StringGetAsync(key);
            return value.HasValue ? (long)value : null;
        }
        catch (RedisException ex)
        {
            logger.LogWarning(ex, "Redis did not answer; counting in the database");
            return null;
        }
    }

    private async Task TrySetAsync(RedisKey key, long value)
    {
        try
        {
            await redis.GetDatabase().StringSetAsync(key, value, Lifetime);
        }
        catch (RedisException ex)
        {
            logger.LogWarning(ex, "Could not cache a count in Redis");
        }
    }
}
