using System.Diagnostics;
using System.Threading.Channels;
using CustomerBase.Interactions.Apis;
using CustomerBase.Interactions.Contracts;
using CustomerBase.Interactions.Infrastructure;
using CustomerBase.Messaging;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CustomerBase.Interactions.Model;

public sealed class ImportOptions
{
    /// <summary>Where uploaded files wait for their job (deleted when it ends).</summary>
    public string Directory { get; set; } = Path.Combine(Path.GetTempPath(), "customerbase-imports");

    /// <summary>Rows per transaction: each batch commits its good rows, their events and its bad rows' errors together.</summary>
    public int BatchSize { get; set; } = 5000;
}

/// <summary>An uploaded file waiting to be ingested, with the caller on whose behalf contacts are checked (kept in memory only).</summary>
public sealed record ImportWork(Guid JobId, string Path, string Format, ContactCaller Caller, string? Author);

/// <summary>
/// Ingests uploaded history files one at a time: reads rows as a stream, validates each as <c>POST /api/interactions</c>
/// would, checks the batch's contacts with one cached gRPC call per 1,000 unknown ids, and writes the good rows with
/// binary COPY together with their orders' <c>OrdersImported</c> outbox rows, the batch's row errors and the job's
/// progress, in one transaction per batch. Memory stays at one batch, and what the committed orders add to their
/// contacts' purchase statistics (merged in every 1,000,000 orders or 50,000 contacts, and at the end).
/// </summary>
public sealed class ImportRunner(IServiceScopeFactory scopes, OutboxSignal outbox, IOptions<ImportOptions> options, ILogger<ImportRunner> logger)
    : BackgroundService
{
    private readonly Channel<ImportWork> _queue = Channel.CreateUnbounded<ImportWork>();

    public ValueTask EnqueueAsync(ImportWork work, CancellationToken ct) => _queue.Writer.WriteAsync(work, ct);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var work in _queue.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                await RunAsync(work, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                logger.LogError(ex, "Import {JobId} failed", work.JobId);
                await FinishAsync(work.JobId, ImportStatuses.Failed, $"Stopped: {ex.GetType().Name}. The rows before it were kept.", CancellationToken.None);
            }
            finally
            {
                File.Delete(work.Path);
            }
        }
    }

    private async Task RunAsync(ImportWork work, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<InteractionsDbContext>();
        var contacts = scope.ServiceProvider.GetRequiredService<ContactChecker>();
        await db.ImportJobs.Where(j => j.Id == work.JobId).ExecuteUpdateAsync(s => s
            .SetProperty(j => j.Status, ImportStatuses.Running).SetProperty(j => j.StartedAt, DateTimeOffset.UtcNow), ct);

        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await connection.OpenAsync(ct);
        var progress = new Progress();
        progress.Purchases.Restart(await DatabaseClockAsync(connection, ct));
        // One batch is written while the next is read and prepared (parsing, validation, the contacts' check, JSON):
        // the service's work and PostgreSQL's overlap. Three JSON buffers go round: one being filled, one waiting, one
        // being written.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var prepared = Channel.CreateBounded<PreparedBatch>(1);
        var buffers = Channel.CreateUnbounded<ImportBatchJson>();
        for (var i = 0; i < 3; i++)
        {
            buffers.Writer.TryWrite(new ImportBatchJson());
        }
        var reading = Task.Run(() => PrepareBatchesAsync(contacts, work, prepared.Writer, buffers.Reader, stop.Token), CancellationToken.None);
        try
        {
            await foreach (var batch in prepared.Reader.ReadAllAsync(ct))
            {
                await WriteBatchAsync(connection, work, batch, progress, ct);
                buffers.Writer.TryWrite(batch.Json);
            }
        }
        catch
        {
            await stop.CancelAsync();
            throw;
        }
        finally
        {
            await reading; // it reports its failure through the channel
            // Also when the job stops half-way: the batches it committed count.
            await MergePurchasesAsync(connection, work.JobId, progress.Purchases, CancellationToken.None);
        }
        await FinishAsync(work.JobId, ImportStatuses.Completed, null, ct);
        logger.LogInformation("Import {JobId} completed: {Imported} rows imported, {Failed} refused", work.JobId, progress.Imported, progress.Failed);
    }

    private sealed class Progress
    {
        public long Read;
        public long Imported;
        public long Failed;

        /// <summary>What the committed orders add to their contacts' purchase statistics, merged in when it grows large and at the end.</summary>
        public readonly ImportedPurchases Purchases = new();
    }

    // Merge what the job's orders add to their contacts' statistics every so often: memory stays bounded (about 8 bytes
    // an order and a few hundred a contact), and each merge costs little more than the rows it writes.
    private const int MergeAfterOrders = 1_000_000;
    private const int MergeAfterContacts = 50_000;

    private const int OrdersPerMessage = 500;

    /// <summary>
    /// Statistics are not recomputed per batch (recomputing every contact a batch touched from all their orders would make
    /// the import quadratic in a contact's history), nor once at the end from all the contacts' orders (which grows with
    /// the base): the committed orders are counted as they go and merged in (ADR 34).
    /// </summary>
    private async Task MergePurchasesAsync(NpgsqlConnection connection, Guid jobId, ImportedPurchases purchases, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        await PurchaseStatsRefresher.MergeAsync(connection, jobId, purchases, ct);
        logger.LogInformation("Import {JobId} merged {Orders} orders into the statistics of {Contacts} contacts in {Milliseconds:0} ms",
            jobId, purchases.Orders, purchases.Contacts.Count, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        purchases.Restart(await DatabaseClockAsync(connection, ct));
    }

    /// <summary>PostgreSQL's clock, which stamps every statistics row: orders committed after this moment are the next merge's.</summary>
    private static async Task<DateTime> DatabaseClockAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("SELECT clock_timestamp()", connection);
        return (DateTime)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>A batch read and prepared, waiting to be written: its rows, its orders' events and its errors, its payloads in <see cref="Json"/>.</summary>
    private sealed record PreparedBatch(int Read, List<(Interaction Interaction, Range Payload)> Interactions, List<(Interaction Interaction, OrderPayload Order)> Orders,
        List<(OutboxMessage Row, Range Body)> Events, List<(long Row, string Field, string Message)> Errors, ImportBatchJson Json);

    /// <summary>Reads the file and prepares its batches, one ahead of the writer; completes the channel, with the failure if there is one.</summary>
    private async Task PrepareBatchesAsync(ContactChecker contacts, ImportWork work, ChannelWriter<PreparedBatch> prepared, ChannelReader<ImportBatchJson> buffers, CancellationToken ct)
    {
        try
        {
            var batch = new List<ImportRow>(options.Value.BatchSize);
            await using var file = File.OpenRead(work.Path);
            await foreach (var row in ImportRowReader.ReadAsync(file, work.Format, ct))
            {
                batch.Add(row);
                if (batch.Count == options.Value.BatchSize)
                {
                    await prepared.WriteAsync(await PrepareBatchAsync(contacts, work, batch, await buffers.ReadAsync(ct), ct), ct);
                    batch.Clear();
                }
            }
            await prepared.WriteAsync(await PrepareBatchAsync(contacts, work, batch, await buffers.ReadAsync(ct), ct), ct);
            prepared.Complete();
        }
        catch (Exception ex)
        {
            prepared.Complete(ex);
        }
    }

    private static async Task<PreparedBatch> PrepareBatchAsync(ContactChecker contacts, ImportWork work, List<ImportRow> batch, ImportBatchJson json, CancellationToken ct)
    {
        var errors = new List<(long Row, string Field, string Message)>();
        var valid = new List<(long Row, RecordInteractionRequest Request)>(batch.Count);
        foreach (var row in batch)
        {
            if (row.Request is null)
            {
                AddErrors(errors, row.Number, row.Errors);
                continue;
            }
            var rowErrors = InteractionValidator.Validate(row.Request);
            if (rowErrors.IsEmpty)
            {
                valid.Add((row.Number, row.Request));
            }
            else
            {
                AddErrors(errors, row.Number, rowErrors.ToDictionary().Select(e => (e.Key, string.Join(" ", e.Value))));
            }
        }

        var visible = await VisibleContactsAsync(contacts, valid.Select(v => v.Request.ContactId!.Value).ToList(), work.Caller, ct);
        var now = DateTimeOffset.UtcNow;
        json.Clear();
        var interactions = new List<(Interaction Interaction, Range Payload)>(valid.Count);
        var imported = new List<(Interaction, OrderPayload)>();
        foreach (var (number, request) in valid)
        {
            if (!visible.Contains(request.ContactId!.Value))
            {
                errors.Add((number, "contactId", "No such contact."));
                continue;
            }
            // The payload is written once, as JSON, for the COPY; an order's object also writes its event.
            var (interaction, payload) = InteractionMapper.ToColumnsAndPayload(request, work.Author, now);
            interactions.Add((interaction, json.Append(payload)));
            if (payload is OrderPayload order)
            {
                imported.Add((interaction, order));
            }
        }
        var events = imported.Chunk(OrdersPerMessage)
            .Select(orders => (Outbox.CreateBulkMessage<OrdersImported>(), json.OrdersImportedBody(work.JobId, orders))).ToList();

        return new PreparedBatch(batch.Count, interactions, imported, events, errors, json);
    }

    private async Task WriteBatchAsync(NpgsqlConnection connection, ImportWork work, PreparedBatch batch, Progress progress, CancellationToken ct)
    {
        progress.Read += batch.Read;
        progress.Imported += batch.Interactions.Count;
        progress.Failed += batch.Read - batch.Interactions.Count;
        var unmarked = progress.Purchases.Unmarked(batch.Orders.Select(o => (o.Interaction.ContactId, o.Interaction.Status)));
        await using (var transaction = await connection.BeginTransactionAsync(ct))
        {
            await InteractionCopyWriter.CopyInteractionsAsync(connection, batch.Interactions, batch.Json, ct);
            await InteractionCopyWriter.CopyOutboxAsync(connection, batch.Events.Select(e => (e.Row, batch.Json.Event(e.Body))).ToList(), ct);
            await InteractionCopyWriter.CopyErrorsAsync(connection, work.JobId, batch.Errors, ct);
            await PurchaseStatsRefresher.MarkUnmergedAsync(connection, work.JobId, unmarked, ct);
            await using (var update = new NpgsqlCommand(
                "UPDATE import_jobs SET rows_read = @read, rows_imported = @imported, rows_failed = @failed WHERE id = @id", connection, transaction))
            {
                update.Parameters.AddWithValue("read", progress.Read);
                update.Parameters.AddWithValue("imported", progress.Imported);
                update.Parameters.AddWithValue("failed", progress.Failed);
                update.Parameters.AddWithValue("id", work.JobId);
                await update.ExecuteNonQueryAsync(ct);
            }
            await transaction.CommitAsync(ct);
        }
        foreach (var (interaction, order) in batch.Orders)
        {
            progress.Purchases.Add(interaction.ContactId, interaction.OccurredAt, interaction.Status, order);
        }
        if (batch.Events.Count > 0)
        {
            outbox.Notify();
        }
        if (progress.Purchases.Orders >= MergeAfterOrders || progress.Purchases.Contacts.Count >= MergeAfterContacts)
        {
            await MergePurchasesAsync(connection, work.JobId, progress.Purchases, ct);
        }
    }

    /// <summary>The batch's visible contacts; while contacts cannot be asked, waits (up to about two minutes) rather than refuse good rows.</summary>
    private static async Task<IReadOnlySet<Guid>> VisibleContactsAsync(ContactChecker contacts, List<Guid> ids, ContactCaller caller, CancellationToken ct)
    {
        var delay = TimeSpan.FromSeconds(1);
        for (var attempt = 0; ; attempt++)
        {
            if (await contacts.VisibleAsync(ids, caller, ct) is { } visible)
            {
                return visible;
            }
            if (attempt == 7)
            {
                throw new TimeoutException("The contacts service could not be asked.");
            }
            await Task.Delay(delay, ct);
            delay *= 2;
        }
    }

    private static void AddErrors(List<(long, string, string)> errors, long row, IEnumerable<(string Field, string Message)> rowErrors)
    {
        // One line per field (the error report's key is row and field).
        foreach (var field in rowErrors.GroupBy(e => e.Field))
        {
            errors.Add((row, field.Key.Length > 200 ? field.Key[..200] : field.Key, Truncate(string.Join(" ", field.Select(e => e.Message)))));
        }
    }

    private static string Truncate(string message) => message.Length > 1000 ? message[..1000] : message;

    private async Task FinishAsync(Guid jobId, string status, string? error, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<InteractionsDbContext>();
        await db.ImportJobs.Where(j => j.Id == jobId).ExecuteUpdateAsync(s => s
            .SetProperty(j => j.Status, status).SetProperty(j => j.FinishedAt, DateTimeOffset.UtcNow).SetProperty(j => j.Error, error), ct);
    }
}
