using CustomerBase.Contacts.Model;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CustomerBase.Contacts.Export;

/// <summary>
/// Rows exported per user per UTC day, counted in Redis so every replica of the service shares the count. An export
/// reserves its rows before the first is sent; one that would pass the quota is refused whole.
/// </summary>
public sealed class ExportQuota(IConnectionMultiplexer redis, IOptions<ContactsOptions> options)
{
    private const string ReserveScript = """
        local used = redis.call('INCRBY', KEYS[1], ARGV[1])
        if used > tonumber(ARGV[2]) then
          redis.call('DECRBY', KEYS[1], ARGV[1])
          return -1 - (used - tonumber(ARGV[1]))
        end
        redis.call('EXPIRE', KEYS[1], 172800)
        return used
        """;

    public long Limit => options.Value.Export.MaxRowsPerUserPerDay;

    /// <summary>Reserves <paramref name="rows"/>; when refused, <c>Used</c> is what the user has already exported today.</summary>
    public async Task<(bool Granted, long Used)> TryReserveAsync(string userId, long rows, DateTimeOffset now)
    {
        var key = $"contacts:export-rows:{userId}:{now.UtcDateTime:yyyy-MM-dd}";
        var result = (long)await redis.GetDatabase().ScriptEvaluateAsync(ReserveScript, [key], [rows, Limit]);
        return result >= 0 ? (true, result) : (false, -1 - result);
    }
}
