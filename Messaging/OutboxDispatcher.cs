using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using CustomerBase.ServiceDefaults;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CustomerBase.Messaging;

public sealed class OutboxOptions
{
    /// <summary>How often to look for rows nobody signalled (written by another replica, or due for a retry).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Rows taken per transaction.</summary>
    public int BatchSize { get; set; } = 200;

    /// <summary>How long one publish may wait for the broker's confirm before it counts as failed.</summary>
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// Publishes committed outbox rows with publisher confirms and marks them sent. Rows are claimed with
/// <c>FOR UPDATE SKIP LOCKED</c>, so several replicas share the work without publishing a row twice;
/// a failed publish is retried with exponential back-off, which also carries it across a broker restart.
/// </summary>
public sealed class OutboxDispatcher<TDbContext>(
    IServiceScopeFactory scopes,
    IBus bus,
    OutboxSignal signal,
    IOptions<OutboxOptions> options,
    ILogger<OutboxDispatcher<TDbContext>> logger) : BackgroundService where TDbContext : DbContext
{
    private static readonly ActivitySource ActivitySource = new(TelemetrySources.Messaging);
    private static readonly ConcurrentDictionary<string, Type> Types = new();
    private readonly OutboxOptions _options = options.Value;

    private const string ClaimPendingSql =
        "SELECT * FROM " + MessagingModelBuilderExtensions.OutboxTable +
        " WHERE sent_at IS NULL AND next_attempt_at <= now() ORDER BY created_at LIMIT {0} FOR UPDATE SKIP LOCKED";

    private const string MarkSentSql = "UPDATE " + MessagingModelBuilderExtensions.OutboxTable + " SET sent_at = clock_timestamp() WHERE id = ANY({0})";

    private const string MarkFailedSql = "UPDATE " + MessagingModelBuilderExtensions.OutboxTable +
        " SET attempts = {1}, next_attempt_at = {2}, last_error = {3} WHERE id = {0}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await DispatchBatchAsync(stoppingToken)) { }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The database may be briefly unavailable: keep the loop alive, try again at the next poll.
                logger.LogWarning("Outbox dispatch failed: {ExceptionType}", ex.GetType().Name);
            }

            try
            {
                await signal.WaitAsync(_options.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Publishes one batch; true when a full batch went out and more may be waiting.</summary>
    private async Task<bool> DispatchBatchAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);

        var rows = await db.Set<OutboxMessage>()
            .FromSqlRaw(ClaimPendingSql, _options.BatchSize)
            .AsNoTracking()
            .ToListAsync(ct);
        if (rows.Count == 0)
        {
            return false;
        }

        var failed = await PublishInOrderAsync(rows, ct);

        // One statement for the sent rows (a tracked update each cost more than the publish), one for the failed row.
        var sent = rows.Where(r => r.SentAt is not null).Select(r => r.Id).ToArray();
        await db.Database.ExecuteSqlRawAsync(MarkSentSql, [sent], ct);
        if (failed is not null)
        {
            await db.Database.ExecuteSqlRawAsync(MarkFailedSql, [failed.Id, failed.Attempts, failed.NextAttemptAt, failed.LastError!], ct);
        }
        await transaction.CommitAsync(ct);
        return failed is null && rows.Count == _options.BatchSize;
    }

    /// <summary>Publishes the rows in the order they were written; returns the row whose publish failed, if one did.</summary>
    private async Task<OutboxMessage?> PublishInOrderAsync(List<OutboxMessage> rows, CancellationToken ct)
    {
        foreach (var row in rows)
        {
            if (!await TryPublishAsync(row, ct))
            {
                // The broker is probably down: the rest of the batch would fail the same way, one timeout each.
                return row;
            }
        }
        return null;
    }

    /// <summary>Publishes one row and marks it sent, or records the failure and its next attempt; false when it failed.</summary>
    private async Task<bool> TryPublishAsync(OutboxMessage row, CancellationToken ct)
    {
        try
        {
            await PublishAsync(row, ct);
            row.SentAt = DateTimeOffset.UtcNow;
            return true;
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            row.Attempts++;
            row.NextAttemptAt = DateTimeOffset.UtcNow + Backoff(row.Attempts);
            row.LastError = ex.GetType().Name;
            logger.LogWarning("Publishing outbox message {MessageId} failed (attempt {Attempt}): {ExceptionType}",
                row.Id, row.Attempts, ex.GetType().Name);
            return false;
        }
    }

    private async Task PublishAsync(OutboxMessage row, CancellationToken ct)
    {
        var type = Types.GetOrAdd(row.MessageType, name => Type.GetType(name, throwOnError: true)!);
        var message = JsonSerializer.Deserialize(row.Body, type, Outbox.SerializerOptions)!;

        // Continue the trace of the request that wrote the row, so one trace spans request → publish → consumer.
        ActivityContext.TryParse(row.TraceParent, null, out var parent);
        using var activity = ActivitySource.StartActivity("outbox publish", ActivityKind.Producer, parent);
        activity?.SetTag("messaging.message.id", row.Id.ToString());
        activity?.SetTag("messaging.message.type", type.Name);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_options.PublishTimeout);
        await bus.Publish(message, type, context => context.MessageId = row.Id, timeout.Token);
    }

    internal TimeSpan Backoff(int attempts) => OutboxBackoff.Delay(attempts, _options.MaxBackoff);
}

public static class OutboxBackoff
{
    /// <summary>0.5 s, 1 s, 2 s, … capped: quick while a broker restarts, calm while it is down for long.</summary>
    public static TimeSpan Delay(int attempts, TimeSpan max)
    {
        var seconds = 0.5 * Math.Pow(2, Math.Clamp(attempts - 1, 0, 20));
        return TimeSpan.FromSeconds(Math.Min(seconds, max.TotalSeconds));
    }
}
