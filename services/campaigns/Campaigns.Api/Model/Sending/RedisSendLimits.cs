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
    // KEYS = one cap key per message; ARGV = now (ms), period (ms), max, then one member per key. Per message, in order
    // (two messages to one contact count one by one): 0 = counted now; otherwise the moment (ms) it may go.
    private const string CapScript = """
        local now, period, max = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
        local result = {}
        for i, key in ipairs(KEYS) do
          redis.call('ZREMRANGEBYSCORE', key, '-inf', now - period)
          local count = redis.call('ZCARD', key)
          if count < max then
            redis.call('ZADD', key, now, ARGV[3 + i])
            redis.call('PEXPIRE', key, period)
            result[i] = 0
          else
            local oldest = redis.call('ZRANGE', key, count - max, count - max, 'WITHSCORES')
            result[i] = tonumber(oldest[2]) + period
          end
        end
        return result
        """;

    /// <summary>
    /// Counts each message against its contact's cap, a whole batch in one script (one round trip, atomic): null for
    /// a message counted, or when it may go instead.
    /// </summary>
    public async Task<DateTimeOffset?[]> TryCountAsync(IReadOnlyList<(Guid ContactId, Guid MessageId)> messages, FrequencyCap cap, DateTimeOffset now)
    {
        if (messages.Count == 0)
        {
            return [];
        }
        var keys = messages.Select(m => (RedisKey)CapKey(m.ContactId)).ToArray();
        RedisValue[] arguments = [now.ToUnixTimeMilliseconds(), (long)cap.Period.TotalMilliseconds, cap.MaxMessages, .. messages.Select(m => (RedisValue)m.MessageId.ToString("N"))];
        var results = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(CapScript, keys, arguments))!;
        return results.Select(r => (long)r == 0 ? (DateTimeOffset?)null : DateTimeOffset.FromUnixTimeMilliseconds((long)r)).ToArray();
    }

    private static string CapKey(Guid contactId) => $"campaigns:cap:{contactId:N}";

    /// <summary>Forgets a contact's release moments (erasure): the key names the contact.</summary>
    public Task ForgetAsync(Guid contactId) => redis.GetDatabase().KeyDeleteAsync(CapKey(contactId));

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
