using System.Diagnostics;
using System.Text;
using System.Threading.Channels;
using CustomerBase.Contacts.Apis;
using CustomerBase.Contacts.CustomFields;
using CustomerBase.Contacts.Infrastructure;
using CustomerBase.Contacts.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CustomerBase.Contacts.Import;

/// <summary>
/// Runs one import job: reads and checks rows on one task while the previous batch is written on another, so
/// parsing and PostgreSQL work side by side; memory holds two batches at most (three outside a bulk load, where the
/// next batch's keys are looked up while one is written), whatever the file's size.
/// A failed row never stops the rest; a file that cannot be read at all fails the job with the reason.
/// </summary>
public sealed class ContactImporter(
    IServiceScopeFactory scopes, ContactValidator validator, CustomFieldCatalog customFields, ContactCache cache, IOptions<ContactsOptions> options, ILogger<ContactImporter> logger)
{
    /// <summary>What a customer list usually holds per person: one e-mail and one phone.</summary>
    private const int KeysPerRow = 2;

    private ImportOptions Options => options.Value.Import;

    public async Task RunAsync(Guid jobId, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ContactsDbContext>();
        var path = ImportUploads.PathOf(Options, jobId);
        if (!File.Exists(path))
        {
            return; // uploaded to another replica (the upload folder is not shared): that replica runs it
        }
        await using var lease = await ImportLease.TryTakeAsync(() => CloneConnection(db), jobId, ct);
        // Claimed in one statement: of two replicas that both found the job queued, one starts it.
        var startedAt = DateTimeOffset.UtcNow;
        if (lease is null || await db.ImportJobs.Where(j => j.Id == jobId && j.Status == ImportStatus.Queued)
                .ExecuteUpdateAsync(s => s.SetProperty(j => j.Status, ImportStatus.Running).SetProperty(j => j.StartedAt, startedAt), ct) == 0)
        {
            return;
        }
        var job = await db.ImportJobs.AsNoTracking().FirstAsync(j => j.Id == jobId, ct);
        var clock = Stopwatch.StartNew();
        logger.LogInformation("Import {ImportId} started ({Format}, {Bytes} bytes)", job.Id, job.Format, job.FileBytes);

        try
        {
            await ImportAsync(db, job, lease, path, ct);
            job.Status = ImportStatus.Completed;
        }
        catch (Exception ex) when (ex is InvalidDataException or FormatException or Sylvan.Data.Csv.CsvFormatException or DecoderFallbackException
                                       or MiniExcelLibs.Exceptions.ExcelInvalidCastException or System.Xml.XmlException)
        {
            // The file itself is unreadable from here on; the rows before stay imported and reported.
            job.Status = ImportStatus.Failed;
            job.FailureReason = $"The file could not be read as {job.Format.ToUpperInvariant()} after row {job.RowsRead + 1}: {ex.GetType().Name}.";
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            logger.LogError(ex, "Import {ImportId} failed", job.Id);
            job.Status = ImportStatus.Failed;
            job.FailureReason = "The import stopped on an internal error; the rows counted so far are stored.";
        }
        finally
        {
            if (job.DroppedIndexes.Count > 0)
            {
                try
                {
                    await RebuildIndexesAsync(db, job, CancellationToken.None);
                }
                catch (Exception ex)
                {
                    // The definitions stay in the job: the next start of the service builds what is missing.
                    logger.LogError(ex, "Import {ImportId} could not rebuild the contacts indexes", job.Id);
                    job.Status = ImportStatus.Failed;
                    job.FailureReason = "The rows are stored but the search indexes could not be rebuilt; they are rebuilt at the next start of the service.";
                }
            }
        }
        job.FinishedAt = DateTimeOffset.UtcNow;
        await SaveStateAsync(db, job, CancellationToken.None);
        ImportUploads.Delete(Options, jobId);
        logger.LogInformation("Import {ImportId} {Status} in {Seconds:0.0} s: {Rows} rows, {Created} created, {Updated} updated, {Failed} failed",
            job.Id, job.Status, clock.Elapsed.TotalSeconds, job.RowsRead, job.Created, job.Updated, job.Failed);
    }

    /// <summary>
    /// Closes the jobs a crash interrupted and rebuilds the indexes a crashed bulk load left dropped (called at
    /// start-up). A job another replica is still running holds its lease and is left alone.
    /// </summary>
    public async Task RepairAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ContactsDbContext>();
        foreach (var job in await db.ImportJobs.AsNoTracking().Where(j => j.Status == ImportStatus.Running).ToListAsync(ct))
        {
            await using var lease = await ImportLease.TryTakeAsync(() => CloneConnection(db), job.Id, ct);
            if (lease is null)
            {
                continue;
            }
            if (job.DroppedIndexes.Count > 0)
            {
                await RebuildIndexesAsync(db, job, ct);
            }
            job.Status = ImportStatus.Failed;
            job.FailureReason = "The service restarted during the import; the rows counted so far are stored. Upload the file again to import the rest (rows already imported are matched, not duplicated, when they have an e-mail, phone or external id).";
            job.FinishedAt = DateTimeOffset.UtcNow;
            await SaveStateAsync(db, job, ct);
            ImportUploads.Delete(Options, job.Id);
        }
    }

    private async Task ImportAsync(ContactsDbContext db, ImportJob job, ImportLease lease, string path, CancellationToken ct)
    {
        using var reader = ImportFileReader.Open(path, job.Format, job.Settings);
        var plan = ImportColumnPlan.For(reader.Headers, job.Settings.Mapping, customFields);
        job.Columns = plan.Columns();
        job.IgnoredColumns = [.. plan.IgnoredColumns];
        await SaveStateAsync(db, job, ct);
        if (job.Columns.Count == 0)
        {
            throw new InvalidDataException("No column was recognised.");
        }

        var batches = Channel.CreateBounded<ImportBatch>(new BoundedChannelOptions(1) { SingleReader = true, SingleWriter = true });
        var parser = new ImportRowParser(plan, job.Settings, validator, customFields);
        using var stopReading = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var parsing = new Stopwatch();
        var reading = Task.Run(() => ReadBatchesAsync(reader, parser, job, batches.Writer, parsing, stopReading.Token), ct);

        // Held open for the whole import: the staging table lives in its session. (The key look-ups are thousands of
        // cheap index probes the planner costs as huge, one reason the service's connections run without JIT, ADR 35.)
        await db.Database.OpenConnectionAsync(ct);
        // Outside a bulk load, a batch's keys are looked up in the base on a second connection while the batch before
        // it is written on this one (the look-up took a fifth to a quarter of such an import, ADR 13).
        await using var probeScope = scopes.CreateAsyncScope();
        var probeDb = probeScope.ServiceProvider.GetRequiredService<ContactsDbContext>();
        var keys = new ImportKeys();
        ImportBatchWriter? writer = null;
        (ImportBatch Batch, Task<List<Contact>> Probe)? next = null;
        // Where the writer's time goes, logged at the end: a faster import starts from knowing which side waits.
        var waiting = new Stopwatch();
        var writing = new Stopwatch();
        var starting = TimeSpan.Zero;
        async Task WriteAsync(ImportBatch batch, Task<List<Contact>>? probe)
        {
            writing.Start();
            await using (var transaction = await db.Database.BeginTransactionAsync(ct))
            {
                var updated = await writer!.WriteAsync(db, batch, probe, ct);
                await transaction.CommitAsync(ct);
                await Task.WhenAll(updated.Select(c => cache.StoreAsync(c.ToResponse())));
            }
            writing.Stop();
        }
        try
        {
            waiting.Start();
            await foreach (var batch in batches.Reader.ReadAllAsync(ct))
            {
                waiting.Stop();
                if (writer is null)
                {
                    var start = Stopwatch.GetTimestamp();
                    writer = await StartWritingAsync(db, job, lease, keys, batch, ct);
                    starting = Stopwatch.GetElapsedTime(start);
                    if (!writer.BulkLoad)
                    {
                        await probeDb.Database.OpenConnectionAsync(ct);
                    }
                }
                if (writer.BulkLoad)
                {
                    await WriteAsync(batch, probe: null);
                }
                else
                {
                    // This batch's look-up runs while the one before it is written (after that one's look-up: they
                    // share a connection).
                    var previous = next;
                    next = (batch, ProbeAfterAsync(previous?.Probe, writer, probeDb, batch, ct));
                    if (previous is { } written)
                    {
                        await WriteAsync(written.Batch, written.Probe);
                    }
                }
                waiting.Start();
            }
            waiting.Stop();
            if (next is { } last)
            {
                await WriteAsync(last.Batch, last.Probe);
            }
        }
        catch
        {
            await stopReading.CancelAsync(); // the reader may be waiting for room in the channel
            throw;
        }
        finally
        {
            if (next is { } unwritten)
            {
                // The last look-up (which followed every other) ends before its connection closes; after a failure
                // elsewhere, its own failure matters no more than its result.
                await unwritten.Probe.ContinueWith(_ => { }, TaskScheduler.Default);
            }
            await probeDb.Database.CloseConnectionAsync();
            await db.Database.CloseConnectionAsync();
        }
        await reading; // an unreadable file surfaces here, after the rows before it were written
        var (find, match, store, record) = writer?.Timings ?? default;
        logger.LogInformation("Import {ImportId} loaded in {Seconds:0.0} s: start {Start:0.0} s, writer waiting for rows {Waiting:0.0} s, writing {Writing:0.0} s " +
            "(finding existing {Find:0.0} s, matching {Match:0.0} s, storing {Store:0.0} s, events and counters {Record:0.0} s; reader parsing {Parsing:0.0} s)",
            job.Id, (starting + waiting.Elapsed + writing.Elapsed).TotalSeconds, starting.TotalSeconds, waiting.Elapsed.TotalSeconds, writing.Elapsed.TotalSeconds,
            find.TotalSeconds, match.TotalSeconds, store.TotalSeconds, record.TotalSeconds, parsing.Elapsed.TotalSeconds);
    }

    /// <summary>Decides, on the first batch, whether this is a bulk load: then drops the secondary indexes and loads the base's keys.</summary>
    private async Task<ImportBatchWriter> StartWritingAsync(ContactsDbContext db, ImportJob job, ImportLease lease, ImportKeys keys, ImportBatch first, CancellationToken ct)
    {
        var rowsSoFar = Math.Max(1, first.RowsRead);
        var estimatedRows = first.BytesRead >= job.FileBytes ? rowsSoFar : job.FileBytes * rowsSoFar / Math.Max(1, first.BytesRead);
        var bulk = false;
        long existing = 0;
        if (estimatedRows >= Options.BulkLoadMinRows)
        {
            existing = await db.Contacts.LongCountAsync(ct);
            // Only one bulk load at a time, across replicas: a second would rebuild indexes while the first loads.
            bulk = existing < estimatedRows * Options.BulkLoadMaxExistingShare && await lease.TryTakeBulkLoadAsync(ct);
        }
        if (bulk)
        {
            job.BulkLoad = true;
            var connection = (NpgsqlConnection)db.Database.GetDbConnection();
            job.DroppedIndexes = await ImportIndexes.SecondaryDefinitionsAsync(connection, ct);
            await SaveStateAsync(db, job, ct); // recorded first, so a crash in between is repaired at the next start
            await ImportIndexes.DropAsync(connection, job.DroppedIndexes, ct);
            keys.Reserve((existing + estimatedRows) * KeysPerRow);
            var visible = job.RestrictedToTeam
                ? db.Contacts.Where(c => c.OwnerId == job.CreatedBy || (job.Team != null && c.Team == job.Team))
                : db.Contacts;
            await foreach (var contact in visible.AsNoTracking().Select(c => new Contact { Id = c.Id, ExternalId = c.ExternalId, EmailKeys = c.EmailKeys, Phones = c.Phones }).AsAsyncEnumerable().WithCancellation(ct))
            {
                keys.Add(contact);
            }
            logger.LogInformation("Import {ImportId} is a bulk load of about {Rows} rows; {Indexes} indexes rebuilt at the end", job.Id, estimatedRows, job.DroppedIndexes.Count);
        }
        return new ImportBatchWriter(job, validator, keys, bulk);
    }

    private static async Task<List<Contact>> ProbeAfterAsync(Task? before, ImportBatchWriter writer, ContactsDbContext probeDb, ImportBatch batch, CancellationToken ct)
    {
        if (before is not null)
        {
            await before.ContinueWith(_ => { }, TaskScheduler.Default); // its failure surfaces when its own batch is written
        }
        return await writer.ProbeAsync(probeDb, batch.Candidates, ct);
    }

    /// <param name="parsing">Runs while the reader reads and checks rows, not while it waits for the writer.</param>
    private async Task ReadBatchesAsync(ImportFileReader reader, ImportRowParser parser, ImportJob job, ChannelWriter<ImportBatch> output, Stopwatch parsing, CancellationToken ct)
    {
        try
        {
            parsing.Start();
            var candidates = new List<ImportCandidate>(Options.BatchSize);
            var errors = new List<ImportRowError>();
            var rowErrors = new List<(string? Column, string Reason)>();
            long rows = 0;
            foreach (var row in reader.Rows())
            {
                rows++;
                rowErrors.Clear();
                if (parser.Parse(row, rowErrors) is { } candidate)
                {
                    ImportBatchWriter.Prepare(job, candidate);
                    candidates.Add(candidate);
                }
                else
                {
                    errors.AddRange(rowErrors.Select(e => new ImportRowError { ImportId = job.Id, Row = row.Number, Column = e.Column, Reason = e.Reason }));
                }
                if (rows == Options.BatchSize)
                {
                    parsing.Stop();
                    await output.WriteAsync(new ImportBatch(candidates, errors, rows, reader.BytesRead), ct);
                    parsing.Start();
                    (candidates, errors, rows) = (new List<ImportCandidate>(Options.BatchSize), [], 0);
                }
            }
            parsing.Stop();
            await output.WriteAsync(new ImportBatch(candidates, errors, rows, reader.BytesRead), ct);
        }
        finally
        {
            // Completed without the error: the writer finishes the rows it has, then the error surfaces from this task.
            output.Complete();
        }
    }

    private async Task RebuildIndexesAsync(ContactsDbContext db, ImportJob job, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var vacuum = await ImportIndexes.RebuildAsync(() => CloneConnection(db), job.DroppedIndexes, ct);
        job.DroppedIndexes = [];
        await SaveStateAsync(db, job, ct);
        logger.LogInformation("Import {ImportId} rebuilt the contacts indexes in {Seconds:0.0} s (VACUUM ANALYZE {Vacuum:0.0} s)", job.Id, clock.Elapsed.TotalSeconds, vacuum.TotalSeconds);
    }

    /// <summary>A new connection like the context's. A clone keeps the password, which the connection string read back from an opened connection no longer has.</summary>
    private static NpgsqlConnection CloneConnection(ContactsDbContext db) => (NpgsqlConnection)((ICloneable)db.Database.GetDbConnection()).Clone();

    private static Task SaveStateAsync(ContactsDbContext db, ImportJob job, CancellationToken ct) =>
        db.ImportJobs.Where(j => j.Id == job.Id).ExecuteUpdateAsync(s => s
            .SetProperty(j => j.Status, job.Status)
            .SetProperty(j => j.StartedAt, job.StartedAt)
            .SetProperty(j => j.FinishedAt, job.FinishedAt)
            .SetProperty(j => j.FailureReason, job.FailureReason)
            .SetProperty(j => j.Columns, job.Columns)
            .SetProperty(j => j.IgnoredColumns, job.IgnoredColumns)
            .SetProperty(j => j.DroppedIndexes, job.DroppedIndexes)
            .SetProperty(j => j.BulkLoad, job.BulkLoad), ct);
}
