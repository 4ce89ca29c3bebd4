using System.Text.Json;
using CustomerBase.Contacts.Apis;
using CustomerBase.Contacts.Model;
using StackExchange.Redis;

namespace CustomerBase.Contacts.Infrastructure;

/// <summary>
/// Cards by id in Redis. Every entry carries the contact's version and is only ever replaced by a newer one, so a
/// slow reader filling the cache cannot overwrite a fresher write; a deletion leaves a tombstone that no fill replaces.
/// If Redis is unavailable, reads go to PostgreSQL and writes skip the cache.
/// </summary>
public sealed class ContactCache(IConnectionMultiplexer redis, ILogger<ContactCache> logger)
{
    public static readonly TimeSpan Ttl = TimeSpan.FromMinutes(10);
    private const int Tombstone = int.MaxValue;

    private const string StoreIfNewerScript = """
        local current = tonumber(redis.call('HGET', KEYS[1], 'v') or '-1')
        if current < tonumber(ARGV[1]) then
          redis.call('HSET', KEYS[1], 'v', ARGV[1], 'json', ARGV[2])
          redis.call('PEXPIRE', KEYS[1], ARGV[3])
        end
        return 0
        """;

    private static RedisKey Key(Guid id) => $"contacts:card:{id}";

    public async Task<ContactResponse?> GetAsync(Guid id)
    {
        try
        {
            var json = await redis.GetDatabase().HashGetAsync(Key(id), "json");
            return json.IsNullOrEmpty ? null : JsonSerializer.Deserialize<ContactResponse>(json.ToString(), ContactJson.Options);
        }
        catch (RedisException ex)
        {
            logger.LogWarning("Contact cache read skipped: {ExceptionType}", ex.GetType().Name);
            return null;
        }
    }

    public Task StoreAsync(ContactResponse card) =>
        StoreAsync(card.Id, card.Version, JsonSerializer.Serialize(card, ContactJson.Options));

    public Task ForgetDeletedAsync(Guid id) => StoreAsync(id, Tombstone, "");

    private async Task StoreAsync(Guid id, int version, string json)
    {
        try
        {
            await redis.GetDatabase().ScriptEvaluateAsync(StoreIfNewerScript, [Key(id)], [version, json, (long)Ttl.TotalMilliseconds]);
        }
        catch (RedisException ex)
        {
            logger.LogWarning("Contact cache write skipped for {ContactId}: {ExceptionType}", id, ex.GetType().Name);
        }
    }
}
