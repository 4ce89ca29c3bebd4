using System.Collections.Concurrent;
using System.Security.Claims;
using CustomerBase.Consent.Contracts;
using CustomerBase.Contacts.Contracts;
using CustomerBase.Contacts.Infrastructure;
using CustomerBase.Contacts.Model;
using CustomerBase.Messaging;
using CustomerBase.ServiceDefaults;
using CustomerBase.ServiceDefaults.Security;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CustomerBase.Contacts.Access;

/// <summary>
/// Counts the distinct contacts each user reads per clock hour, across every replica, without a Redis round trip per
/// request: reads are noted in memory and sent every <see cref="FlushInterval"/> to a HyperLogLog per user and hour
/// (0.8 % error, 12 kB a user). A user past the threshold raises <see cref="SuspiciousBulkAccess"/> once an hour and,
/// if configured, is blocked: their id goes into a Redis set every replica reloads at each flush.
/// </summary>
public sealed class BulkAccessMonitor(
    IConnectionMultiplexer redis, IServiceScopeFactory scopes, IOptionsMonitor<ContactsOptions> options, ILogger<BulkAccessMonitor> logger)
    : BackgroundService
{
    public static readonly TimeSpan FlushInterval = TimeSpan.FromMilliseconds(250);
    public const string BlockedUsersKey = "contacts:blocked-users";

    private const string CountScript = """
        redis.call('PFADD', KEYS[1], unpack(ARGV, 2))
        redis.call('EXPIRE', KEYS[1], 7200)
        local count = redis.call('PFCOUNT', KEYS[1])
        if count > tonumber(ARGV[1]) and redis.call('SET', KEYS[2], '1', 'NX', 'EX', 7200) then
          return -count
        end
        return count
        """;

    private readonly ConcurrentDictionary<string, PendingReads> _pending = new();
    private volatile HashSet<string> _blocked = [];

    private sealed class PendingReads(string? role)
    {
        public readonly string? Role = role;
        public readonly ConcurrentQueue<Guid> Ids = new();
    }

    /// <summary>Notes that <paramref name="user"/> read these contacts. Service accounts are not counted (their scopes bound them).</summary>
    public void Read(ClaimsPrincipal user, IEnumerable<Guid> contactIds)
    {
        if (user.IsInRole(Roles.Integration) || user.FindFirst(ClaimNames.Subject)?.Value is not { } subject)
        {
            return;
        }
        var pending = _pending.GetOrAdd(subject, _ => new PendingReads(user.FindFirst(ClaimNames.Role)?.Value));
        foreach (var id in contactIds)
        {
            pending.Ids.Enqueue(id);
        }
    }

    public bool IsBlocked(ClaimsPrincipal user) => user.FindFirst(ClaimNames.Subject)?.Value is { } subject && _blocked.Contains(subject);

    public async Task UnblockAsync(string userId)
    {
        await redis.GetDatabase().SetRemoveAsync(BlockedUsersKey, userId);
        await ReloadBlockedAsync();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(FlushInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await FlushAsync(stoppingToken);
                await ReloadBlockedAsync();
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                logger.LogWarning("Bulk access counts not sent: {ExceptionType}", ex.GetType().Name);
            }
        }
    }

    private async Task FlushAsync(CancellationToken ct)
    {
        var now = DateTimeOffset.UtcNow;
        var hour = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 0, 0, TimeSpan.Zero);
        var db = redis.GetDatabase();
        foreach (var (subject, pending) in _pending)
        {
            var ids = new List<RedisValue>();
            while (ids.Count < 10_000 && pending.Ids.TryDequeue(out var id))
            {
                ids.Add(id.ToString("N"));
            }
            if (ids.Count == 0)
            {
                _pending.TryRemove(new KeyValuePair<string, PendingReads>(subject, pending));
                continue;
            }
            var threshold = ThresholdFor(pending.Role);
            var result = (long)await db.ScriptEvaluateAsync(CountScript,
                [$"contacts:reads:{subject}:{hour:yyyyMMddHH}", $"contacts:bulk-alarm:{subject}:{hour:yyyyMMddHH}"],
                [threshold, .. ids]);
            if (result < 0)
            {
                await RaiseAsync(subject, pending.Role, -result, threshold, hour, ct);
            }
        }
    }

    private async Task RaiseAsync(string subject, string? role, long distinct, long threshold, DateTimeOffset hour, CancellationToken ct)
    {
        var block = options.CurrentValue.BulkAccess.BlockAutomatically;
        if (block)
        {
            await redis.GetDatabase().SetAddAsync(BlockedUsersKey, subject);
        }
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ContactsDbContext>();
        var now = DateTimeOffset.UtcNow;
        db.AddToOutbox(new SuspiciousBulkAccess(subject, role, distinct, threshold, hour, block, now));
        db.AddToOutbox(new PersonalDataAccessed(ResourceNames.Contacts, subject, now, "contacts.bulk-read-alarm",
            $"hour={hour:yyyy-MM-ddTHH}Z threshold={threshold} blocked={block}", (int)Math.Min(distinct, int.MaxValue), null));
        await db.SaveChangesAsync(ct);
        logger.LogWarning("Suspicious bulk access by user {UserId}: {Distinct} distinct contacts this hour (threshold {Threshold}); blocked: {Blocked}",
            subject, distinct, threshold, block);
    }

    private async Task ReloadBlockedAsync()
    {
        var members = await redis.GetDatabase().SetMembersAsync(BlockedUsersKey);
        _blocked = members.Select(m => m.ToString()).ToHashSet();
    }

    private long ThresholdFor(string? role)
    {
        var settings = options.CurrentValue.BulkAccess;
        return role is not null && settings.PerRole.TryGetValue(role, out var perRole) ? perRole : settings.MaxDistinctContactsPerHour;
    }
}
