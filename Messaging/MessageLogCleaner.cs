using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CustomerBase.Messaging;

public sealed class MessageLogOptions
{
    /// <summary>How long sent outbox rows and inbox rows are kept (for diagnosis, and to recognise late redeliveries).</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(7);
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);
}

/// <summary>
/// Keeps the outbox and inbox tables from growing without end: deletes sent outbox rows and inbox rows older than
/// the retention. Unsent outbox rows are never deleted. Several replicas may run it; the deletes are idempotent.
/// </summary>
public sealed class MessageLogCleaner<TDbContext>(IServiceScopeFactory scopes, IOptions<MessageLogOptions> options, ILogger<MessageLogCleaner<TDbContext>> logger)
    : BackgroundService where TDbContext : DbContext
{
    private const string DeleteSentSql = "DELETE FROM " + MessagingModelBuilderExtensions.OutboxTable + " WHERE sent_at IS NOT NULL AND sent_at < {0}";
    private const string DeleteInboxSql = "DELETE FROM " + MessagingModelBuilderExtensions.InboxTable + " WHERE processed_at < {0}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.Interval);
        do
        {
            try
            {
                await CleanAsync(DateTimeOffset.UtcNow - options.Value.Retention, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning("Message log clean-up failed: {ExceptionType}", ex.GetType().Name);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>Deletes what is older than <paramref name="before"/>; returns the number of rows removed.</summary>
    public async Task<int> CleanAsync(DateTimeOffset before, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TDbContext>();
        var removed = await db.Database.ExecuteSqlRawAsync(DeleteSentSql, [before], ct);
        removed += await db.Database.ExecuteSqlRawAsync(DeleteInboxSql, [before], ct);
        return removed;
    }
}
