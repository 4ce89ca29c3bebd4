using CustomerBase.Contacts.Apis;
using CustomerBase.Contacts.Contracts;
using CustomerBase.Contacts.Infrastructure;
using CustomerBase.Contacts.Model;
using CustomerBase.Messaging;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace CustomerBase.Contacts.Import;

/// <summary>Rows parsed from the file, with the rows that already failed; written as one transaction.</summary>
public sealed record ImportBatch(List<ImportCandidate> Candidates, List<ImportRowError> Errors, long RowsRead, long BytesRead);

/// <summary>
/// Writes one batch: matches each row to an existing contact (by the job's keys, in order), lays the row over it or
/// creates a new contact, then in one transaction copies the result into a staging table, inserts and updates from it,
/// records the rejected rows and the job's counters, and puts the <see cref="ContactsImported"/> events in the outbox.
/// An update only applies to the version that was read, so a contact edited meanwhile is reported, not overwritten.
/// </summary>
public sealed class ImportBatchWriter(ImportJob job, ContactValidator validator, ImportKeys keys, bool bulkLoad)
{
    public const int ContactsPerEvent = 1_000;

    /// <summary>
    /// Time spent finding existing contacts (outside a bulk load, waiting for the look-up that ran beside the previous
    /// batch's write, then reading again what that batch touched), matching and building rows, storing them, and
    /// recording events and counters.
    /// </summary>
    public (TimeSpan Find, TimeSpan Match, TimeSpan Store, TimeSpan Record) Timings => (find.Elapsed, match.Elapsed, store.Elapsed, record.Elapsed);

    private readonly System.Diagnostics.Stopwatch find = new(), match = new(), store = new(), record = new();

    /// <summary>The contacts the last batch written created or changed: a probe that ran beside it did not see them as they are now.</summary>
    private HashSet<Guid> lastTouched = [];

    public bool BulkLoad => bulkLoad;

    /// <summary>
    /// Writes the batch inside the caller's transaction; returns the existing contacts it updated (for the cache).
    /// </summary>
    /// <param name="probe">
    /// Outside a bulk load: the base's contacts sharing a key with the batch (<see cref="ProbeAsync"/>), looked up while
    /// the previous batch was being written; null to look them up now.
    /// </param>
    public async Task<IReadOnlyList<Contact>> WriteAsync(ContactsDbContext db, ImportBatch batch, Task<List<Contact>>? probe, CancellationToken ct)
    {
        var errors = batch.Errors;
        find.Start();
        var found = bulkLoad
            ? await FindKnownAsync(db, batch.Candidates, ct)
            : await CatchUpAsync(db, await (probe ?? ProbeAsync(db, batch.Candidates, ct)), batch.Candidates, ct);
        find.Stop();
        match.Start();
        var touched = new Dictionary<Guid, Touched>();
        var now = DateTimeOffset.UtcNow;
        long unchanged = 0;

        foreach (var candidate in batch.Candidates)
        {
            var target = Match(candidate, touched, found);
            if (target is null)
            {
                if (candidate.NewContact is not { } contact)
                {
                    errors.Add(Error(candidate.Row, candidate.Sources.ColumnFor("firstName"), "A new contact needs a first name, and no existing contact matched this row."));
                    continue;
                }
                touched[contact.Id] = new Touched(contact, ExpectedVersion: 0, [], candidate.Row);
                keys.Add(contact);
                continue;
            }

            var card = ImportOverlay.Over(target.ToResponse(), Owned(job, candidate.Card));
            var problems = validator.Validate(card, out var phones);
            if (!problems.IsEmpty)
            {
                errors.AddRange(problems.ToDictionary().SelectMany(p => p.Value.Select(reason => Error(candidate.Row, candidate.Sources.ColumnFor(p.Key), reason))));
                continue;
            }
            var changes = target.Apply(card, phones);
            if (changes.Count == 0)
            {
                unchanged++;
                continue;
            }
            if (!touched.TryGetValue(target.Id, out var entry))
            {
                entry = new Touched(target, ExpectedVersion: target.Version, [], candidate.Row);
                target.Version++;
                target.UpdatedAt = now;
                touched[target.Id] = entry;
            }
            entry.Changes.UnionWith(changes);
            entry.Rows++;
            keys.Add(target);
        }

        match.Stop();
        store.Start();
        var all = touched.Values.ToList();
        // The events are serialised on another core while the rows are copied: they describe every touched contact,
        // which is what gets written unless one was taken or changed meanwhile; then they are made again.
        var events = Task.Run(() => Events(all, now), ct);
        var written = await SaveAsync(db, all, ct);
        store.Stop();
        record.Start();
        var saved = all.Where(t => written.Contains(t.Contact.Id)).ToList();
        foreach (var t in all.Where(t => !written.Contains(t.Contact.Id)))
        {
            errors.Add(Error(t.FirstRow, null, t.ExpectedVersion == 0
                ? "Another contact took this row's external id during the import."
                : "The contact was changed by someone else during the import; import the row again."));
        }
        var prepared = await events;
        db.Set<OutboxMessage>().AddRange(saved.Count == all.Count ? prepared : Events(saved, now));
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();

        // A row counts as updated when it changed a contact, including one an earlier row of the file created.
        await RecordAsync(db, batch, errors, saved.LongCount(t => t.ExpectedVersion == 0), saved.Sum(t => (long)t.Rows), unchanged, ct);
        record.Stop();
        lastTouched = [.. touched.Keys];
        return saved.Where(t => t.ExpectedVersion != 0).Select(t => t.Contact).ToList();
    }

    /// <summary>The outbox rows of <see cref="ContactsImported"/> events for the contacts, <see cref="ContactsPerEvent"/> per event.</summary>
    private List<OutboxMessage> Events(List<Touched> contacts, DateTimeOffset now) =>
    [
        .. contacts.Chunk(ContactsPerEvent).Select(chunk => Outbox.CreateMessage(new ContactsImported(job.Id,
            chunk.Select(t => new ImportedContact(t.Contact.Id, t.ExpectedVersion == 0, [.. t.Changes], t.Contact.ToSnapshot())).ToList(), now))),
    ];

    /// <summary>The contact a row belongs to: one already touched in this batch, one the import created earlier, or one in the base.</summary>
    private Contact? Match(ImportCandidate candidate, Dictionary<Guid, Touched> touched, Dictionary<Guid, Contact> found)
    {
        foreach (var (kind, key) in candidate.Keys)
        {
            if (keys.Find(kind, key) is not { } id)
            {
                continue;
            }
            if (touched.TryGetValue(id, out var seen))
            {
                if (ImportKeys.Has(seen.Contact, kind, key)) return seen.Contact;
                continue;
            }
            // Read before the loop: from the base, including what earlier batches of this import created.
            if (found.TryGetValue(id, out var contact) && ImportKeys.Has(contact, kind, key))
            {
                return contact;
            }
        }
        return null;
    }

    /// <summary>
    /// Bulk load: the contacts whose keys the job already holds (those in the base before it, and those earlier batches
    /// created) that share a key with a row of the batch, read by primary key in one query rather than one per row.
    /// </summary>
    private async Task<Dictionary<Guid, Contact>> FindKnownAsync(ContactsDbContext db, List<ImportCandidate> candidates, CancellationToken ct)
    {
        var ids = new HashSet<Guid>();
        foreach (var candidate in candidates)
        {
            foreach (var (kind, key) in candidate.Keys)
            {
                if (keys.Find(kind, key) is { } id)
                {
                    ids.Add(id);
                }
            }
        }
        return ids.Count == 0 ? [] : await db.Contacts.AsNoTracking().Where(c => ids.Contains(c.Id)).ToDictionaryAsync(c => c.Id, ct);
    }

    /// <summary>
    /// The contacts in the base that share a key with any row of the batch, in one query using the GIN and unique
    /// indexes. Only contacts the importer may see are candidates for an update. Runs on its own context
    /// (connection) while the previous batch is written, so it leaves the job's keys to <see cref="CatchUpAsync"/>.
    /// </summary>
    public async Task<List<Contact>> ProbeAsync(ContactsDbContext db, List<ImportCandidate> candidates, CancellationToken ct)
    {
        var externalIds = new List<string>();
        var emails = new List<string>();
        var phones = new List<string>();
        foreach (var candidate in candidates)
        {
            foreach (var (kind, key) in candidate.Keys)
            {
                (kind == 'x' ? externalIds : kind == 'e' ? emails : phones).Add(key);
            }
        }
        if (externalIds.Count + emails.Count + phones.Count == 0)
        {
            return [];
        }
        // One index probe per key. "email_keys && @emails" would be one query too, but with thousands of keys
        // PostgreSQL estimates that every row matches and scans the table (30 s at a million contacts). The ids come
        // first, so that the cards are read by primary key, and usually not at all: most imported rows are new people.
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var ids = new List<Guid>();
        await using (var command = new NpgsqlCommand("""
            SELECT c.id FROM unnest(@external_ids) AS k(key) CROSS JOIN LATERAL (SELECT id FROM contacts WHERE external_id = k.key OFFSET 0) AS c
            UNION
            SELECT c.id FROM unnest(@emails) AS k(key) CROSS JOIN LATERAL (SELECT id FROM contacts WHERE email_keys @> ARRAY[k.key] OFFSET 0) AS c
            UNION
            SELECT c.id FROM unnest(@phones) AS k(key) CROSS JOIN LATERAL (SELECT id FROM contacts WHERE phones @> ARRAY[k.key] OFFSET 0) AS c
            """, connection))
        {
            command.Parameters.AddWithValue("external_ids", externalIds.ToArray());
            command.Parameters.AddWithValue("emails", emails.ToArray());
            command.Parameters.AddWithValue("phones", phones.ToArray());
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                ids.Add(reader.GetGuid(0));
            }
        }
        return ids.Count == 0 ? [] : await VisibleAsync(db, ids, ct);
    }

    /// <summary>
    /// The probe's contacts made current: those the previous batch created or changed (it may have run before that
    /// batch committed) are read again, as are the job's own contacts from that batch that share a key with a row of
    /// this one. Then the job learns their keys, oldest contact first, so that it wins a key shared by duplicates.
    /// </summary>
    private async Task<Dictionary<Guid, Contact>> CatchUpAsync(ContactsDbContext db, List<Contact> probed, List<ImportCandidate> candidates, CancellationToken ct)
    {
        var stale = new HashSet<Guid>();
        foreach (var contact in probed)
        {
            if (lastTouched.Contains(contact.Id)) stale.Add(contact.Id);
        }
        foreach (var candidate in candidates)
        {
            foreach (var (kind, key) in candidate.Keys)
            {
                if (keys.Find(kind, key) is { } id && lastTouched.Contains(id)) stale.Add(id);
            }
        }
        var current = stale.Count == 0 ? probed : [.. probed.Where(c => !stale.Contains(c.Id)), .. await VisibleAsync(db, stale, ct)];
        var found = new Dictionary<Guid, Contact>(current.Count);
        foreach (var contact in current.OrderBy(c => c.Id))
        {
            found[contact.Id] = contact;
            keys.Add(contact);
        }
        return found;
    }

    /// <summary>The contacts of <paramref name="ids"/> the importer may update (in no order: <see cref="CatchUpAsync"/> orders them).</summary>
    private async Task<List<Contact>> VisibleAsync(ContactsDbContext db, IReadOnlyCollection<Guid> ids, CancellationToken ct)
    {
        var query = db.Contacts.AsNoTracking().Where(c => ids.Contains(c.Id));
        if (job.RestrictedToTeam)
        {
            query = job.Team is null
                ? query.Where(c => c.OwnerId == job.CreatedBy)
                : query.Where(c => c.OwnerId == job.CreatedBy || c.Team == job.Team);
        }
        return await query.ToListAsync(ct);
    }

    private static ContactCard Owned(ImportJob job, ContactCard card) => job.RestrictedToTeam ? card with { OwnerId = job.CreatedBy, Team = job.Team } : card;

    /// <summary>
    /// Works out, on the reading task, what the writer needs of a row whatever it matches: its keys, and the contact it
    /// becomes if it matches none (most rows of an import are new people). The writer is the import's bottleneck; the
    /// reader waited for it half the time. The contact is created, and its id drawn, when the row is read.
    /// </summary>
    public static void Prepare(ImportJob job, ImportCandidate candidate)
    {
        candidate.Keys = [.. ImportKeys.Of(candidate, job.Settings.MatchOn)];
        if (candidate.MissingFirstName)
        {
            return; // it can update a contact but not create one
        }
        var now = DateTimeOffset.UtcNow;
        var contact = new Contact { Id = Guid.CreateVersion7(now), CreatedAt = now, UpdatedAt = now, Version = 1 };
        contact.Write(Owned(job, candidate.Card), candidate.Phones);
        candidate.NewContact = contact;
    }

    private static async Task<HashSet<Guid>> SaveAsync(ContactsDbContext db, List<Touched> touched, CancellationToken ct)
    {
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var written = new HashSet<Guid>();
        if (touched.Count == 0)
        {
            return written;
        }
        // Most rows of an import are new people: they go straight into the table. Only when that fails on the unique
        // external id (another writer took one since the batch was matched) do they take the staging way below, whose
        // ON CONFLICT skips just that row; the new contacts then count as written only if they were inserted.
        if (await TryCopyNewAsync(db, touched, ct))
        {
            written.UnionWith(touched.Where(t => t.ExpectedVersion == 0).Select(t => t.Contact.Id));
            touched = touched.Where(t => t.ExpectedVersion != 0).ToList();
            if (touched.Count == 0)
            {
                return written;
            }
        }
        await db.Database.ExecuteSqlRawAsync("CREATE TEMP TABLE IF NOT EXISTS import_staging (LIKE contacts INCLUDING DEFAULTS) ON COMMIT DELETE ROWS", ct);
        await using (var copy = await connection.BeginBinaryImportAsync($"COPY import_staging ({ContactCopy.Columns}) FROM STDIN (FORMAT BINARY)", ct))
        {
            foreach (var t in touched)
            {
                ContactCopy.Write(copy, t.Contact);
            }
            await copy.CompleteAsync(ct);
        }
        // New contacts have version 1; ON CONFLICT skips one whose external id was taken since the batch was matched.
        if (touched.Any(t => t.ExpectedVersion == 0))
        {
            await ReadIdsAsync(connection, $"""
                INSERT INTO contacts ({ContactCopy.Columns}) SELECT {ContactCopy.Columns} FROM import_staging WHERE version = 1
                ON CONFLICT DO NOTHING RETURNING id
                """, written, null, ct);
        }
        var updated = touched.Where(t => t.ExpectedVersion != 0).Select(t => t.Contact.Id).ToArray();
        if (updated.Length > 0)
        {
            // "c.id = ANY(@ids)": the staging table has no statistics, and without it PostgreSQL may hash-join the whole base.
            var updates = ContactCopy.Columns.Split(", ").Where(c => c is not "id" and not "created_at").Select(c => $"{c} = s.{c}");
            await ReadIdsAsync(connection, $"""
                UPDATE contacts AS c SET {string.Join(", ", updates)}
                FROM import_staging AS s
                WHERE c.id = ANY(@ids) AND c.id = s.id AND s.version > 1 AND c.version = s.version - 1
                RETURNING c.id
                """, written, updated, ct);
        }
        return written;
    }

    /// <summary>
    /// Copies the batch's new contacts into the contacts table, behind a savepoint: false (and nothing written) when
    /// one of them broke a unique index, which only the external id can (the ids are new).
    /// </summary>
    private static async Task<bool> TryCopyNewAsync(ContactsDbContext db, List<Touched> touched, CancellationToken ct)
    {
        if (!touched.Any(t => t.ExpectedVersion == 0))
        {
            return false;
        }
        var transaction = db.Database.CurrentTransaction ?? throw new InvalidOperationException("A batch is written in a transaction.");
        await transaction.CreateSavepointAsync(NewContactsSavepoint, ct);
        try
        {
            await using var copy = await ((NpgsqlConnection)db.Database.GetDbConnection()).BeginBinaryImportAsync($"COPY contacts ({ContactCopy.Columns}) FROM STDIN (FORMAT BINARY)", ct);
            foreach (var t in touched)
            {
                if (t.ExpectedVersion == 0)
                {
                    ContactCopy.Write(copy, t.Contact);
                }
            }
            await copy.CompleteAsync(ct);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            await transaction.RollbackToSavepointAsync(NewContactsSavepoint, ct);
            return false;
        }
        await transaction.ReleaseSavepointAsync(NewContactsSavepoint, ct);
        return true;
    }

    private const string NewContactsSavepoint = "import_new_contacts";

    private async Task RecordAsync(ContactsDbContext db, ImportBatch batch, List<ImportRowError> errors, long created, long updated, long unchanged, CancellationToken ct)
    {
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        if (errors.Count > 0)
        {
            await using var copy = await connection.BeginBinaryImportAsync("COPY import_row_errors (import_id, row, \"column\", reason) FROM STDIN (FORMAT BINARY)", ct);
            foreach (var error in errors)
            {
                copy.StartRow();
                copy.Write(job.Id, NpgsqlDbType.Uuid);
                copy.Write(error.Row, NpgsqlDbType.Bigint);
                if (error.Column is null) copy.WriteNull(); else copy.Write(error.Column, NpgsqlDbType.Text);
                copy.Write(error.Reason, NpgsqlDbType.Text);
            }
            await copy.CompleteAsync(ct);
        }
        var failedRows = errors.Select(e => e.Row).Distinct().LongCount();
        job.RowsRead += batch.RowsRead;
        job.Created += created;
        job.Updated += updated;
        job.Unchanged += unchanged;
        job.Failed += failedRows;
        job.BytesRead = batch.BytesRead;
        await db.ImportJobs.Where(j => j.Id == job.Id).ExecuteUpdateAsync(s => s
            .SetProperty(j => j.RowsRead, job.RowsRead)
            .SetProperty(j => j.Created, job.Created)
            .SetProperty(j => j.Updated, job.Updated)
            .SetProperty(j => j.Unchanged, job.Unchanged)
            .SetProperty(j => j.Failed, job.Failed)
            .SetProperty(j => j.BytesRead, job.BytesRead), ct);
    }

    private static async Task ReadIdsAsync(NpgsqlConnection connection, string sql, HashSet<Guid> ids, Guid[]? parameter, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        if (parameter is not null)
        {
            command.Parameters.AddWithValue("ids", parameter);
        }
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            ids.Add(reader.GetGuid(0));
        }
    }

    private ImportRowError Error(long row, string? column, string reason) => new() { ImportId = job.Id, Row = row, Column = column, Reason = reason };

    /// <summary>A contact this batch creates (expected version 0) or updates, with the rows laid over it after the first.</summary>
    private sealed record Touched(Contact Contact, int ExpectedVersion, HashSet<string> Changes, long FirstRow)
    {
        public int Rows { get; set; }
    }
}
