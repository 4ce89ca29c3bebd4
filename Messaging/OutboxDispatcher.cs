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

    /// <summary>
    /// Rows taken per transaction. Each batch ends by waiting for its last confirms, marking its rows and committing,
    /// while nothing is published: with the publishes overlapping (ADR 32) that pause weighs more, so batches are larger
    /// than the 200 they were. Bodies are read one row at a time (ADR 27), so the size does not bound memory.
    /// </summary>
    public int BatchSize { get; set; } = 1000;

    /// <summary>How long one publish may wait for the broker's confirm before it counts as failed.</summary>
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Publishes of a batch waiting for their broker confirm at once (ADR 32). They are started in the rows' order on
    /// the bus's one publishing channel, so the broker receives them in that order; 1 publishes one row at a time.
    /// </summary>
    public int MaxPublishesInFlight { get; set; } = 64;

    /// <summary>Body bytes of the publishes waiting for their confirm; a body larger than this is published alone.</summary>
    public int MaxBytesInFlight { get; set; } = 4 * 1024 * 1024;

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
    private readonly ILogger _logger = logger;
    private readonly StoredMessagePublisher _publisher = new(bus);

    // Types confirmed since the start or the last failure. The first publish of a type on a channel declares its
    // exchange (a broker round trip inside MassTransit's send): publishes started behind it could overtake it, so it
    // goes alone. Only the dispatcher's loop touches this set.
    private readonly HashSet<Type> _confirmedTypes = [];

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
                _logger.LogWarning("Outbox dispatch failed: {ExceptionType}", ex.GetType().Name);
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

    /// <summary>
    /// Publishes one batch, in the order the rows were written, up to <see cref="OutboxOptions.MaxPublishesInFlight"/>
    /// at a time; true when a full batch went out and more may be waiting.
    /// </summary>
    private async Task<bool> DispatchBatchAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);

        var window = new PublishWindow(this);
        var claimed = 0;
        try
        {
            await using var command = new NpgsqlCommand(ClaimPendingSql, (NpgsqlConnection)db.Database.GetDbConnection(), (NpgsqlTransaction)transaction.GetDbTransaction());
            command.Parameters.AddWithValue("limit", _options.BatchSize);
            await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, ct);
            while (window.Failed is null && await reader.ReadAsync(ct))
            {
                claimed++;
                var id = reader.GetGuid(0);
                var messageType = reader.GetString(1);
                var traceParent = await reader.IsDBNullAsync(2, ct) ? null : reader.GetString(2);
                var attempts = reader.GetInt32(3);
                var (row, error) = await ReadRowAsync(reader, messageType, ct);
                if (row is null)
                {
                    window.Fail(id, attempts, error!);
                    break;
                }

                // The first row of a batch goes alone too: after an idle pause MassTransit may be opening a new
                // channel, and publishes waiting for it together could reach it in any order.
                var alone = claimed == 1 || !_confirmedTypes.Contains(row.Type) || row.Length > _options.MaxBytesInFlight;
                if (alone)
                {
                    await window.WaitForAllAsync();
                }
                else
                {
                    await window.MakeRoomAsync(row.Length);
                }
                if (window.Failed is not null)
                {
                    ArrayPool<byte>.Shared.Return(row.Body);
                    break;
                }
                window.Start(id, attempts, row.Type, row.Length, PublishAsync(row, id, traceParent, ct));
                if (alone)
                {
                    await window.WaitForAllAsync();
                }
            }
        }
        finally
        {
            // Every publish started is awaited before the transaction ends or fails: a confirmed row must be marked
            // sent, and its buffer is returned by the publish itself once it has completed.
            await window.DrainAsync();
        }

        // One statement for the sent rows (a tracked update each cost more than the publish), one for the failed row.
        await db.Database.ExecuteSqlRawAsync(MarkSentSql, [window.Sent.ToArray()], ct);
        if (window.Failed is { } failed)
        {
            await db.Database.ExecuteSqlRawAsync(MarkFailedSql, [failed.Id, failed.Attempts, failed.NextAttemptAt, failed.Error], ct);
        }
        await transaction.CommitAsync(ct);
        return window.Failed is null && claimed == _options.BatchSize;
    }

    /// <summary>A row ready to publish: its type, its body in a pooled buffer (returned by the publish), and for types not published as stored, the message read from it.</summary>
    private sealed record Row(Type Type, byte[] Body, int Length, object? Message);

    /// <summary>Reads the row the reader stands on (its body is the next column); the failure's type name when it cannot be published (unknown type, unreadable body).</summary>
    private async Task<(Row? Row, string? Error)> ReadRowAsync(NpgsqlDataReader reader, string messageType, CancellationToken ct)
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
            var message = _options.StoredJsonTypes.Contains(type) ? null : JsonSerializer.Deserialize(body.AsSpan(0, length), type, Outbox.SerializerOptions)!;
            return (new Row(type, body, length, message), null);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            if (body is not null)
            {
                ArrayPool<byte>.Shared.Return(body);
            }
            return (null, ex.GetType().Name); // the type only: exception messages could carry personal data
        }
    }

    /// <summary>
    /// Publishes a row and waits for its confirm; the failure's type name when it failed. Returns the row's buffer
    /// when the publish has completed, never before: MassTransit may still be serialising the body until then.
    /// </summary>
    /// <remarks>
    /// Called without awaiting, it runs synchronously into MassTransit's send until the first real wait: on a
    /// channel in use and an exchange already declared, that is RabbitMQ.Client's confirm lock (FIFO), under which
    /// each publish takes its sequence number and writes its frames. Publishes started one after another from the
    /// dispatcher's loop therefore reach the broker in that order. The activity it starts is current only within this
    /// call: the loop's own context is restored when the call returns its task.
    /// </remarks>
    private async Task<string?> PublishAsync(Row row, Guid id, string? traceParent, CancellationToken ct)
    {
        try
        {
            // Continue the trace of the request that wrote the row, so one trace spans request → publish → consumer.
            ActivityContext.TryParse(traceParent, null, out var parent);
            using var activity = ActivitySource.StartActivity("outbox publish", ActivityKind.Producer, parent);
            activity?.SetTag("messaging.message.id", id.ToString());
            activity?.SetTag("messaging.message.type", row.Type.Name);

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(_options.PublishTimeout);
            if (row.Message is null)
            {
                await _publisher.PublishAsync(row.Type, id, row.Body.AsMemory(0, row.Length), timeout.Token);
            }
            else
            {
                await bus.Publish(row.Message, row.Type, context => context.MessageId = id, timeout.Token);
            }
            return null;
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            return ex.GetType().Name; // the type only: exception messages could carry personal data
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(row.Body);
        }
    }

    internal TimeSpan Backoff(int attempts) => OutboxBackoff.Delay(attempts, _options.MaxBackoff);

    private sealed record Failure(Guid Id, int Attempts, DateTimeOffset NextAttemptAt, string Error);

    /// <summary>
    /// The publishes of a batch waiting for their confirm, oldest first, bounded in number and in body bytes.
    /// Completions are taken in the rows' order; every confirmed row is marked sent, the first failure gets its
    /// back-off and stops the batch (the broker is probably down: the rest would fail the same way, one timeout each).
    /// </summary>
    private sealed class PublishWindow(OutboxDispatcher<TDbContext> dispatcher)
    {
        private readonly Queue<(Guid Id, int Attempts, Type Type, int Length, Task<string?> Publish)> _inFlight = new();
        private long _bytes;

        public List<Guid> Sent { get; } = [];
        public Failure? Failed { get; private set; }

        public void Start(Guid id, int attempts, Type type, int length, Task<string?> publish)
        {
            _inFlight.Enqueue((id, attempts, type, length, publish));
            _bytes += length;
        }

        /// <summary>Waits for the oldest publishes until one more of <paramref name="length"/> body bytes fits.</summary>
        public async Task MakeRoomAsync(int length)
        {
            var options = dispatcher._options;
            while (_inFlight.Count > 0 && (_inFlight.Count >= options.MaxPublishesInFlight || _bytes + length > options.MaxBytesInFlight))
            {
                await CompleteOldestAsync();
            }
        }

        public async Task WaitForAllAsync()
        {
            while (_inFlight.Count > 0)
            {
                await CompleteOldestAsync();
            }
        }

        /// <summary>As <see cref="WaitForAllAsync"/>, after the batch failed or while stopping: no publish is left behind.</summary>
        public async Task DrainAsync()
        {
            while (_inFlight.Count > 0)
            {
                try
                {
                    await CompleteOldestAsync();
                }
                catch (Exception)
                {
                    // Only a publish cancelled by the service stopping throws: its row stays pending, published again later.
                }
            }
        }

        public void Fail(Guid id, int attempts, string error)
        {
            if (Failed is not null)
            {
                return; // a later row failing with the first (a broker going down): it stays pending without a back-off
            }
            attempts++;
            dispatcher._logger.LogWarning("Publishing outbox message {MessageId} failed (attempt {Attempt}): {ExceptionType}", id, attempts, error);
            Failed = new Failure(id, attempts, DateTimeOffset.UtcNow + dispatcher.Backoff(attempts), error);
            // MassTransit may have replaced its channel: the next publish of each type goes alone again.
            dispatcher._confirmedTypes.Clear();
        }

        private async Task CompleteOldestAsync()
        {
            var (id, attempts, type, length, publish) = _inFlight.Dequeue();
            _bytes -= length;
            if (await publish is { } error)
            {
                Fail(id, attempts, error);
            }
            else
            {
                Sent.Add(id);
                if (Failed is null)
                {
                    // After a failure the channel may be new: every type's next publish goes alone again.
                    dispatcher._confirmedTypes.Add(type);
                }
            }
        }
    }
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
