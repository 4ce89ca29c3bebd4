using System.Buffers;
using System.Collections.Concurrent;
using System.Data;
using System.Diagnostics;
using System.Text.Json;
using CustomerBase.ServiceDefaults;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

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

    /// <summary>
    /// Message types published as their stored JSON, never read back into the type (ADR 27): large or numerous events
    /// whose exchange does not depend on their content. Others are deserialised and published, so a topology keyed on
    /// their fields (campaigns routes <c>DeliverMessage</c> by channel) applies. See <see cref="MessagingExtensions.PublishStoredJson{TMessage}"/>.
    /// </summary>
    public HashSet<Type> StoredJsonTypes { get; } = [];
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
    private readonly StoredMessagePublisher _publisher = new(bus);

    // The body comes as UTF-8 bytes (bytea), read one row at a time while the rows are published: a batch of large
    // events (1,000 imported contacts each, ~700 KB) is never held whole, as strings, in memory.
    private const string ClaimPendingSql =
        "SELECT id, message_type, trace_parent, attempts, convert_to(body::text, 'UTF8') FROM " + MessagingModelBuilderExtensions.OutboxTable +
        " WHERE sent_at IS NULL AND next_attempt_at <= now() ORDER BY created_at LIMIT @limit FOR UPDATE SKIP LOCKED";

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

    /// <summary>Publishes one batch, in the order the rows were written; true when a full batch went out and more may be waiting.</summary>
    private async Task<bool> DispatchBatchAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);

        var sent = new List<Guid>();
        Failure? failed = null;
        var claimed = 0;
        await using (var command = new NpgsqlCommand(ClaimPendingSql, (NpgsqlConnection)db.Database.GetDbConnection(), (NpgsqlTransaction)transaction.GetDbTransaction()))
        {
            command.Parameters.AddWithValue("limit", _options.BatchSize);
            await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, ct);
            while (await reader.ReadAsync(ct))
            {
                claimed++;
                var id = reader.GetGuid(0);
                var messageType = reader.GetString(1);
                var traceParent = await reader.IsDBNullAsync(2, ct) ? null : reader.GetString(2);
                var attempts = reader.GetInt32(3);
                if (await TryPublishAsync(reader, id, messageType, traceParent, ct) is { } error)
                {
                    // The broker is probably down: the rest of the batch would fail the same way, one timeout each.
                    attempts++;
                    logger.LogWarning("Publishing outbox message {MessageId} failed (attempt {Attempt}): {ExceptionType}", id, attempts, error);
                    failed = new Failure(id, attempts, DateTimeOffset.UtcNow + Backoff(attempts), error);
                    break;
                }
                sent.Add(id);
            }
        }

        // One statement for the sent rows (a tracked update each cost more than the publish), one for the failed row.
        await db.Database.ExecuteSqlRawAsync(MarkSentSql, [sent.ToArray()], ct);
        if (failed is not null)
        {
            await db.Database.ExecuteSqlRawAsync(MarkFailedSql, [failed.Id, failed.Attempts, failed.NextAttemptAt, failed.Error], ct);
        }
        await transaction.CommitAsync(ct);
        return failed is null && claimed == _options.BatchSize;
    }

    private sealed record Failure(Guid Id, int Attempts, DateTimeOffset NextAttemptAt, string Error);

    /// <summary>Publishes the row the reader stands on (its body is the next column); the failure's type name when it failed.</summary>
    private async Task<string?> TryPublishAsync(NpgsqlDataReader reader, Guid id, string messageType, string? traceParent, CancellationToken ct)
    {
        byte[]? body = null;
        try
        {
            var type = Types.GetOrAdd(messageType, name => Type.GetType(name, throwOnError: true)!);
            int length;
            await using (var stream = await reader.GetStreamAsync(4, ct))
            {
                length = (int)stream.Length;
                body = ArrayPool<byte>.Shared.Rent(length);
                await stream.ReadExactlyAsync(body.AsMemory(0, length), ct);
            }

            // Continue the trace of the request that wrote the row, so one trace spans request → publish → consumer.
            ActivityContext.TryParse(traceParent, null, out var parent);
            using var activity = ActivitySource.StartActivity("outbox publish", ActivityKind.Producer, parent);
            activity?.SetTag("messaging.message.id", id.ToString());
            activity?.SetTag("messaging.message.type", type.Name);

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(_options.PublishTimeout);
            if (_options.StoredJsonTypes.Contains(type))
            {
                await _publisher.PublishAsync(type, id, body.AsMemory(0, length), timeout.Token);
            }
            else
            {
                var message = JsonSerializer.Deserialize(body.AsSpan(0, length), type, Outbox.SerializerOptions)!;
                await bus.Publish(message, type, context => context.MessageId = id, timeout.Token);
            }
            return null;
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            return ex.GetType().Name; // the type only: exception messages could carry personal data
        }
        finally
        {
            if (body is not null)
            {
                ArrayPool<byte>.Shared.Return(body);
            }
        }
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
