using System.Collections.Concurrent;
using System.Security.Claims;
using CustomerBase.Consent.Contracts;
using CustomerBase.ServiceDefaults.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CustomerBase.Messaging;

/// <summary>
/// Reports reads of personal data (a person's timeline, a segment's sample) to consent's audit trail as
/// <see cref="PersonalDataAccessed"/> events. A read only notes the access in memory; every second the notes go
/// into the service's outbox in one transaction, one event per reader, contact and kind of read, so a busy read
/// path pays no database write and the trail still says who read whose data when.
/// </summary>
public sealed class PersonalDataAccessLog<TDbContext>(string service, IServiceScopeFactory scopes, ILogger<PersonalDataAccessLog<TDbContext>> logger)
    : BackgroundService where TDbContext : DbContext
{
    private static readonly TimeSpan FlushInterval = TimeSpan.FromSeconds(1);
    private ConcurrentDictionary<(string Actor, string What, Guid? ContactId, string? Filter), (int Rows, DateTimeOffset At)> _pending = new();

    /// <summary>Notes that <paramref name="user"/> read <paramref name="rows"/> rows of personal data.</summary>
    /// <param name="what">The kind of read, e.g. <c>interactions.timeline</c>.</param>
    /// <param name="contactId">Whose data, when one person's.</param>
    /// <param name="filter">For a read of many people, what selected them (no personal data: ids, rule text).</param>
    public void Record(ClaimsPrincipal user, string what, Guid? contactId, int rows, string? filter = null)
    {
        if (user.FindFirst(ClaimNames.Subject)?.Value is not { Length: > 0 } actor)
        {
            return;
        }
        var at = DateTimeOffset.UtcNow;
        _pending.AddOrUpdate((actor, what, contactId, filter), (rows, at), (_, seen) => (Math.Max(seen.Rows, rows), seen.At));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(FlushInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await FlushAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        await FlushAsync(CancellationToken.None); // what was read before a shutdown is still reported
    }

    private async Task FlushAsync(CancellationToken ct)
    {
        if (_pending.IsEmpty)
        {
            return;
        }
        var notes = Interlocked.Exchange(ref _pending, new());
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<TDbContext>();
            foreach (var ((actor, what, contactId, filter), (rows, at)) in notes)
            {
                db.AddToOutbox(new PersonalDataAccessed(service, actor, at, what, filter, rows, contactId));
            }
            await db.SaveChangesAsync(ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Put them back: the next tick tries again rather than losing the audit.
            foreach (var (key, value) in notes)
            {
                _pending.AddOrUpdate(key, value, (_, seen) => (Math.Max(seen.Rows, value.Rows), value.At < seen.At ? value.At : seen.At));
            }
            logger.LogWarning("Could not record {Count} personal-data reads: {ExceptionType}", notes.Count, ex.GetType().Name);
        }
    }
}

public static class PersonalDataAccessLogExtensions
{
    /// <summary>Registers <see cref="PersonalDataAccessLog{TDbContext}"/> for a service, as a singleton and a hosted service.</summary>
    public static IServiceCollection AddPersonalDataAccessLog<TDbContext>(this IServiceCollection services, string service) where TDbContext : DbContext
    {
        services.AddSingleton(sp => new PersonalDataAccessLog<TDbContext>(service, sp.GetRequiredService<IServiceScopeFactory>(),
            sp.GetRequiredService<ILogger<PersonalDataAccessLog<TDbContext>>>()));
        services.AddHostedService(sp => sp.GetRequiredService<PersonalDataAccessLog<TDbContext>>());
        return services;
    }
}
