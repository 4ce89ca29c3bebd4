using StackExchange.Redis;

namespace CustomerBase.Campaigns.Model;

/// <summary>
/// The per-contact frequency cap and the per-channel throttle, in Redis so every replica shares them. The cap is a
/// sorted set of release moments per contact, checked and added to in one script: two replicas releasing to the same
/// contact cannot both slip under the cap. A release that fails after the check leaves one extra mark: the cap errs on
/// sending less, never more.
/// </summary>
public sealed class RedisSendLimits(IConnectionMultiplexer redis)
{
    // KEYS[1] = cap key; ARGV = now (ms), period (ms), max, member. 0 = counted now; otherwise the moment (ms) it may go.
    private static readonly LuaScript CapScript = LuaScript.Prepare("""
        redis.call('ZREMRANGEBYSCORE', @key, '-inf', tonumber(@now) - tonumber(@period))
        local count = redis.call('ZCARD', @key)
        local max = tonumber(@max)
        if count < max then
          redis.call('ZADD', @key, @now, @member)
          redis.call('PEXPIRE', @key, @period)
          return 0
        end
        local oldest = redis.call('ZRANGE', @key, count - max, count - max, 'WITHSCORES')
        return tonumber(oldest[2]) + tonumber(@period)
        """);

    /// <summary>Counts the message against the contact's cap and returns null, or returns when it may go instead.</summary>
    public async Task<DateTimeOffset?> TryCountAsync(Guid contactId, Guid messageId, FrequencyCap cap, DateTimeOffset now)
    {
        var result = (long)await redis.GetDatabase().ScriptEvaluateAsync(CapScript, new
        {
            key = (RedisKey)$"campaigns:cap:{contactId:N}",
            now = now.ToUnixTimeMilliseconds(),
            period = (long)cap.Period.TotalMilliseconds,
            max = cap.MaxMessages,
            member = messageId.ToString("N"),
        });
        return result == 0 ? null : DateTimeOffset.FromUnixTimeMilliseconds(result);
    }

    /// <summary>Forgets a contact's release moments (erasure): the key names the contact.</summary>
    public Task ForgetAsync(Guid contactId) => redis.GetDatabase().KeyDeleteAsync($"campaigns:cap:{contactId:N}");

    /// <summary>Takes up to <paramref name="wanted"/> of this second's <paramref name="perSecond"/> for <paramref name="key"/>; returns how many.</summary>
    public async Task<int> TakeAsync(string key, int perSecond, int wanted, DateTimeOffset now)
    {
        if (wanted <= 0)
        {
            return 0;
        }
        var db = redis.GetDatabase();
        var slot = (RedisKey)$"campaigns:throttle:{key}:{now.ToUnixTimeSeconds()}";
        var total = await db.StringIncrementAsync(slot, wanted);
        if (total == wanted)
        {
            await db.KeyExpireAsync(slot, TimeSpan.FromSeconds(5));
        }
        var before = total - wanted;
        return (int)Math.Clamp(perSecond - before, 0, wanted);
    }
}
