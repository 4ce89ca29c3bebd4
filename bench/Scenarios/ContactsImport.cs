using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using CustomerBase.ServiceDefaults;
using Npgsql;
using NpgsqlTypes;

namespace CustomerBase.Bench.Scenarios;

/// <summary>
/// A customer list through the HTTP import to fully stored and searchable, against a raw binary COPY of the same rows
/// into the same schema with the same indexes in the same run (the ceiling); for the empty base also against a bulk
/// load by hand (the same COPY with only the unique indexes, then the others built), which is how the import loads it.
/// Phase 1: --rows N (1,000,000) into an empty base. Phase 2: --extra M (100,000) new rows into the base phase 1 left.
/// The file has realistic names, e-mails and phones written in several ways, ~1% rows repeating an earlier person
/// (matched, not duplicated) and ~2% bad rows (reported). The contacts service's peak memory (VmHWM) is printed.
/// After each phase the bench waits for segmentation to finish its share of the import (ADR 0031) and prints how long
/// that took, so none of it runs inside the next measurement.
/// </summary>
public static class ContactsImport
{
    private static readonly string[] FirstNames =
    [
        "Anna", "Olga", "Maria", "Irina", "Elena", "Piotr", "Jan", "Adam", "Ivan", "Oleg", "Marta", "Ewa", "John", "Mary", "Lena",
        "Sergey", "Pavel", "Tomasz", "Katarzyna", "Nina", "Agnieszka", "Dmitry", "Natalia", "Michał", "Zofia", "James", "Emma", "Olivia",
    ];
    private static readonly string[] Syllables = ["Ko", "wal", "ski", "no", "vak", "Smir", "nov", "pet", "rov", "ma", "zur", "lew", "and", "ers", "son", "gra", "bow", "czyk", "ten", "berg"];
    private static readonly string[] Cities = ["Kraków", "Warszawa", "Gdańsk", "Moscow", "Kazan", "London", "Leeds", "Wrocław", "Poznań", "Riga"];
    private const string Header = "First name,Last name,E-mail,Phone,Date of birth,City,Tags";

    public static async Task<int> RunAsync(string[] args)
    {
        var rows = BenchOptions.Option(args, "--rows", 1_000_000);
        var extra = BenchOptions.Option(args, "--extra", 100_000);
        // A diagnostic: segmentation stopped (SIGSTOP) while each import runs, so the figure is the importer's alone;
        // the events wait in the broker and segmentation reads them in afterwards (its catch-up time grows).
        var pauseSegmentation = args.Contains("--pause-segmentation");
        var dir = Directory.CreateTempSubdirectory("contacts-import-");
        try
        {
            var first = Path.Combine(dir.FullName, "first.csv");
            var second = Path.Combine(dir.FullName, "second.csv");
            var (firstGood, firstBad, firstProbe) = WriteFile(first, 0, rows);
            var (secondGood, _, secondProbe) = WriteFile(second, rows + 1_000_000, extra);
            Console.WriteLine($"Generated {rows:N0} rows ({new FileInfo(first).Length / 1e6:0} MB, {firstBad:N0} bad) and {extra:N0} rows.");

            // The importer's own log (one line each) says where its time went: reading, writing, the index rebuild.
            await using var bench = await BenchSystem.StartAsync(environment: new Dictionary<string, string>
            {
                ["Logging__LogLevel__CustomerBase.Contacts.Import"] = "Information",
                ["Logging__Console__FormatterOptions__SingleLine"] = "true",
            });
            var connectionString = bench.System.Postgres.ConnectionString(ResourceNames.ContactsDb);

            // Every process of the system: on two shared cores, CPU per row says where an import's time went more
            // steadily than its wall-clock rate (segmentation reads the import's events in beside it).
            var everyone = bench.System.Resources.Where(r => r.ProcessId is not null).ToDictionary(
                r => r == bench.System.Postgres ? "postgres" : r.Name, r => r.ProcessId!.Value);

            // Phase 1: into an empty base.
            var ceilingEmpty = await CopyCeilingAsync(connectionString, first, filledFromContacts: false);
            var ceilingBulk = await BulkLoadCeilingAsync(connectionString, first);
            var start1 = DateTimeOffset.UtcNow;
            NpgsqlConnection.ClearAllPools();
            var cpu = ProcessCpu.SecondsByLabel(everyone);
            var (importSeconds, job) = await ImportAsync(bench, first, pauseSegmentation);
            var done1 = Stopwatch.StartNew();
            cpu = PrintCpu("import", everyone, cpu, rows);
            await PrintImporterLogAsync(bench, job);
            await EnsureSearchableAsync(bench, firstProbe, job);
            var contactsPid = bench.System.Service(ResourceNames.Contacts).ProcessId;
            var peak1 = PeakMemoryMb(contactsPid);
            // Segmentation's share of the import may still be running (its queue, the deferred count, its stage events):
            // nothing of it may overlap the next measurement, and how long it took is reported beside the import's time.
            var catchUp1 = await WaitForSegmentationAsync(bench, done1, start1);
            PrintCpu("after it, until segmentation caught up", everyone, cpu, rows);

            // Phase 2: into the base phase 1 left (normal mode: indexes maintained row by row).
            var ceilingFull = await CopyCeilingAsync(connectionString, second, filledFromContacts: true);
            var start2 = DateTimeOffset.UtcNow;
            NpgsqlConnection.ClearAllPools();
            cpu = ProcessCpu.SecondsByLabel(everyone);
            var (importSeconds2, job2) = await ImportAsync(bench, second, pauseSegmentation);
            var done2 = Stopwatch.StartNew();
            cpu = PrintCpu("import", everyone, cpu, extra);
            await PrintImporterLogAsync(bench, job2);
            await EnsureSearchableAsync(bench, secondProbe, job2);
            var peak2 = PeakMemoryMb(contactsPid);
            var catchUp2 = await WaitForSegmentationAsync(bench, done2, start2);
            PrintCpu("after it, until segmentation caught up", everyone, cpu, extra);

            Console.WriteLine();
            Console.WriteLine("| phase | rows in file | created | updated | failed | import s | import rows/s | raw COPY rows/s | ratio | bulk-load ceiling rows/s | ratio |");
            Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|");
            Console.WriteLine($"| empty base | {rows:N0} | {job.GetProperty("created").GetInt64():N0} | {job.GetProperty("updated").GetInt64():N0} | {job.GetProperty("failed").GetInt64():N0} | {importSeconds:0.0} | {rows / importSeconds:N0} | {ceilingEmpty:N0} | {rows / importSeconds / ceilingEmpty:0.00} | {ceilingBulk:N0} | {rows / importSeconds / ceilingBulk:0.00} |");
            Console.WriteLine($"| base of {job.GetProperty("created").GetInt64():N0} | {extra:N0} | {job2.GetProperty("created").GetInt64():N0} | {job2.GetProperty("updated").GetInt64():N0} | {job2.GetProperty("failed").GetInt64():N0} | {importSeconds2:0.0} | {extra / importSeconds2:N0} | {ceilingFull:N0} | {extra / importSeconds2 / ceilingFull:0.00} | | |");
            Console.WriteLine();
            Console.WriteLine($"segmentation caught up (every ContactsImported consumed, nothing pending, its outbox published) {catchUp1:0.0} s after phase 1's import completed, {catchUp2:0.0} s after phase 2's");
            Console.WriteLine($"contacts service peak memory (VmHWM): {peak1:N0} MB after phase 1, {peak2:N0} MB after phase 2");
            Console.WriteLine($"expected good rows {firstGood:N0} / {secondGood:N0} (created + updated + unchanged); targets: ≥ 60,000 rows/s into an empty base; ≥ 0.7 × COPY into the full base; < 500 MB");
            return 0;
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static async Task<(double Seconds, JsonElement Job)> ImportAsync(BenchSystem bench, string file, bool pauseSegmentation)
    {
        if (!pauseSegmentation)
        {
            return await ImportAsync(bench, file);
        }
        var segmentation = bench.System.Service(ResourceNames.Segmentation).ProcessId!.Value;
        await SignalAsync(segmentation, "STOP");
        try
        {
            return await ImportAsync(bench, file);
        }
        finally
        {
            await SignalAsync(segmentation, "CONT");
        }

        static async Task SignalAsync(int pid, string signal)
        {
            using var kill = Process.Start("kill", ["-s", signal, pid.ToString(CultureInfo.InvariantCulture)]);
            await kill.WaitForExitAsync();
        }
    }

    private static async Task<(double Seconds, JsonElement Job)> ImportAsync(BenchSystem bench, string file)
    {
        var clock = Stopwatch.StartNew();
        await using var stream = File.OpenRead(file);
        using var content = new StreamContent(stream, 1 << 16);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        using var started = await bench.Http.PostAsync("/api/contacts/imports", content);
        if (started.StatusCode != HttpStatusCode.Accepted)
        {
            throw new InvalidOperationException($"import refused: {(int)started.StatusCode} {await started.Content.ReadAsStringAsync()}");
        }
        var location = started.Headers.Location!;
        var uploaded = clock.Elapsed.TotalSeconds;
        while (clock.Elapsed < TimeSpan.FromMinutes(30))
        {
            await Task.Delay(100);
            var job = JsonDocument.Parse(await bench.Http.GetStringAsync(location)).RootElement;
            var status = job.GetProperty("status").GetString();
            if (status is "completed" or "failed")
            {
                if (status == "failed") throw new InvalidOperationException($"import failed: {job}");
                Console.WriteLine($"  import of {Path.GetFileName(file)}: upload {uploaded:0.0} s, done at {clock.Elapsed.TotalSeconds:0.0} s");
                return (clock.Elapsed.TotalSeconds, job);
            }
        }
        throw new TimeoutException("the import did not finish within 30 minutes");
    }

    /// <summary>
    /// Prints the CPU each process used since <paramref name="before"/>, in µs per row of the file; returns the new reading.
    /// A process that ends in between takes its CPU out of its label's difference: the ceilings' pooled connections are
    /// closed before a reading (<see cref="NpgsqlConnection.ClearAllPools"/>), or their backends, exiting when the pool
    /// prunes them, would be subtracted from the import's PostgreSQL figure.
    /// </summary>
    private static Dictionary<string, double> PrintCpu(string what, IReadOnlyDictionary<string, int> everyone, Dictionary<string, double> before, int rows)
    {
        var now = ProcessCpu.SecondsByLabel(everyone);
        var used = now.Select(e => (e.Key, Micros: (e.Value - before.GetValueOrDefault(e.Key)) * 1e6 / rows)).Where(e => e.Micros >= 0.5).ToList();
        Console.WriteLine($"    CPU µs/row, {what}: {used.Sum(e => e.Micros):0} in all; " +
                          string.Join(", ", used.OrderByDescending(e => e.Micros).Select(e => $"{e.Key} {e.Micros:0}")));
        return now;
    }

    /// <summary>The contacts service's log lines about the job, once its last one ("… completed in …") has arrived.</summary>
    private static async Task PrintImporterLogAsync(BenchSystem bench, JsonElement job)
    {
        var id = job.GetProperty("id").GetString()!;
        var console = bench.System.Service(ResourceNames.Contacts).Console;
        var clock = Stopwatch.StartNew();
        List<string> lines;
        do
        {
            lines = console.Since(0).Select(l => l.Text).Where(t => t.Contains(id, StringComparison.OrdinalIgnoreCase)).ToList();
            if (lines.Any(l => l.Contains(" completed in ", StringComparison.Ordinal)) || clock.Elapsed > TimeSpan.FromSeconds(5)) break;
            await Task.Delay(50);
        } while (true);
        foreach (var line in lines)
        {
            Console.WriteLine($"    {line[(line.IndexOf("Import ", StringComparison.Ordinal) is var at and >= 0 ? at : 0)..]}");
        }
    }

    /// <summary>
    /// Waits until segmentation has done all it does for the imports so far: contacts' outbox is published, every
    /// <c>ContactsImported</c> it holds has been consumed by segmentation (its inbox), no contact waits in
    /// <c>pending_statistics</c>, and segmentation's outbox (stage and membership events) is published. Returns the
    /// seconds since <paramref name="importDone"/> started, i.e. since the import completed. Prints how fast
    /// segmentation's outbox dispatcher published the events of the phase (sent since <paramref name="phaseStart"/>).
    /// </summary>
    private static async Task<double> WaitForSegmentationAsync(BenchSystem bench, Stopwatch importDone, DateTimeOffset phaseStart)
    {
        await using var contacts = new NpgsqlConnection(bench.System.Postgres.ConnectionString(ResourceNames.ContactsDb));
        await using var segmentation = new NpgsqlConnection(bench.System.Postgres.ConnectionString(ResourceNames.SegmentationDb));
        await contacts.OpenAsync();
        await segmentation.OpenAsync();
        var lastReport = TimeSpan.Zero;
        while (true)
        {
            var contactsCounts = await CountsAsync(contacts, """
                SELECT count(*) FILTER (WHERE sent_at IS NULL), count(*) FILTER (WHERE message_type LIKE 'CustomerBase.Contacts.Contracts.ContactsImported,%')
                FROM outbox_messages
                """);
            var (unsent, imported) = (contactsCounts[0], contactsCounts[1]);
            var segmentationCounts = await CountsAsync(segmentation, """
                SELECT (SELECT count(*) FROM inbox_messages WHERE consumer = 'CustomerBase.Segmentation.IntegrationEvents.ContactsImportedConsumer'),
                       (SELECT count(*) FROM pending_statistics),
                       (SELECT count(*) FROM outbox_messages WHERE sent_at IS NULL)
                """);
            var (consumed, pending, published) = (segmentationCounts[0], segmentationCounts[1], segmentationCounts[2]);
            if (unsent == 0 && consumed >= imported && pending == 0 && published == 0)
            {
                Console.WriteLine($"  segmentation caught up {importDone.Elapsed.TotalSeconds:0.0} s after the import completed");
                var caughtUp = importDone.Elapsed.TotalSeconds;
                await PrintPublishRateAsync(segmentation, phaseStart);
                return caughtUp;
            }
            if (importDone.Elapsed - lastReport >= TimeSpan.FromSeconds(10))
            {
                lastReport = importDone.Elapsed;
                Console.WriteLine($"  +{importDone.Elapsed.TotalSeconds:0} s: contacts' outbox unsent {unsent:N0}; ContactsImported consumed {consumed:N0} of {imported:N0}; " +
                                  $"pending in segmentation {pending:N0}; segmentation's outbox unsent {published:N0}");
            }
            if (importDone.Elapsed > TimeSpan.FromMinutes(20)) throw new TimeoutException("segmentation did not catch up within 20 minutes");
            await Task.Delay(250);
        }

        // The dispatcher's own rate: events sent per second of the phase (sent_at is stamped after each batch's
        // confirms), the median over the seconds in which any was sent, so the trickle before a backlog and the
        // partial last second weigh little.
        static async Task PrintPublishRateAsync(NpgsqlConnection segmentation, DateTimeOffset since)
        {
            await using var command = new NpgsqlCommand("""
                SELECT coalesce(sum(n), 0)::bigint, coalesce(extract(epoch FROM max(last) - min(first)), 0)::float8,
                       coalesce(percentile_disc(0.5) WITHIN GROUP (ORDER BY n), 0)::bigint, coalesce(max(n), 0)::bigint
                FROM (SELECT count(*) AS n, min(sent_at) AS first, max(sent_at) AS last FROM outbox_messages
                      WHERE sent_at >= @since GROUP BY date_trunc('second', sent_at)) per_second
                """, segmentation);
            command.Parameters.AddWithValue("since", since);
            await using var reader = await command.ExecuteReaderAsync();
            await reader.ReadAsync();
            Console.WriteLine($"  segmentation's outbox: {reader.GetInt64(0):N0} events sent in {reader.GetDouble(1):0.0} s from first to last; " +
                              $"per second sent: median {reader.GetInt64(2):N0}, most {reader.GetInt64(3):N0}");
        }

        // The one row of a query of counts.
        static async Task<long[]> CountsAsync(NpgsqlConnection connection, string sql)
        {
            await using var command = new NpgsqlCommand(sql, connection);
            await using var reader = await command.ExecuteReaderAsync();
            await reader.ReadAsync();
            return [.. Enumerable.Range(0, reader.FieldCount).Select(reader.GetInt64)];
        }
    }

    /// <summary>A good row of the file is found by e-mail, phone and name through the API.</summary>
    private static async Task EnsureSearchableAsync(BenchSystem bench, int i, JsonElement job)
    {
        foreach (var query in new[] { $"email={Uri.EscapeDataString(Email(i))}", $"phone=%2B{Phone(i)[1..]}", $"q={Uri.EscapeDataString(LastName(i))}" })
        {
            var page = JsonDocument.Parse(await bench.Http.GetStringAsync($"/api/contacts?{query}")).RootElement;
            if (page.GetProperty("items").GetArrayLength() == 0) {
                var errors = (await bench.Http.GetStringAsync(job.GetProperty("errors").GetString())).Split('\n').Take(6);
                throw new InvalidOperationException($"not searchable: {query}; job: {job}; first errors:\n{string.Join('\n', errors)}");
            }
        }
    }

    /// <summary>
    /// Rows per second of a binary COPY of the file's good rows, as the import would store them, into a table with
    /// the contacts schema and every index: empty, or holding a copy of the current contacts.
    /// </summary>
    private static async Task<double> CopyCeilingAsync(string connectionString, string file, bool filledFromContacts)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await Execute(connection, "DROP TABLE IF EXISTS copy_ceiling; CREATE TABLE copy_ceiling (LIKE contacts INCLUDING ALL)");
        if (filledFromContacts)
        {
            await Execute(connection, "INSERT INTO copy_ceiling SELECT * FROM contacts");
            await Execute(connection, "VACUUM ANALYZE copy_ceiling");
        }
        var rows = GoodRows(file);
        var clock = Stopwatch.StartNew();
        await CopyRowsAsync(connection, rows);
        var seconds = clock.Elapsed.TotalSeconds;
        await Execute(connection, "DROP TABLE copy_ceiling");
        Console.WriteLine($"  raw COPY of {rows.Count:N0} rows into {(filledFromContacts ? "a copy of the base" : "an empty table")} with every index: {seconds:0.0} s");
        return rows.Count / seconds;
    }

    /// <summary>
    /// Rows per second of a bulk load by hand, the ceiling the issue names for an empty base ("indexes built after the
    /// load"): a binary COPY of the file's good rows into an empty table with the contacts schema, keeping only its
    /// primary key and unique index, then the other indexes built, two at a time (one per core) with 256 MB of
    /// maintenance_work_mem each. No VACUUM, no matching, no events: only the storage work.
    /// </summary>
    private static async Task<double> BulkLoadCeilingAsync(string connectionString, string file)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await Execute(connection, "DROP TABLE IF EXISTS copy_ceiling; CREATE TABLE copy_ceiling (LIKE contacts INCLUDING ALL)");
        var secondary = new List<string>();
        await using (var command = new NpgsqlCommand("""
            SELECT pg_get_indexdef(x.indexrelid) FROM pg_index x
            WHERE x.indrelid = 'copy_ceiling'::regclass AND NOT x.indisprimary AND NOT x.indisunique
            """, connection))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync()) secondary.Add(reader.GetString(0));
        }
        foreach (var definition in secondary)
        {
            await Execute(connection, $"DROP INDEX {definition.Split(' ')[2]}");
        }
        var rows = GoodRows(file);
        var clock = Stopwatch.StartNew();
        await CopyRowsAsync(connection, rows);
        var copied = clock.Elapsed.TotalSeconds;
        var pending = new Queue<string>(secondary.OrderByDescending(d => d.Contains("USING gin", StringComparison.Ordinal)));
        var built = new List<string>();
        async Task BuildAsync()
        {
            await using var builder = new NpgsqlConnection(connectionString);
            await builder.OpenAsync();
            await Execute(builder, "SET maintenance_work_mem = '256MB'");
            while (true)
            {
                string? definition;
                lock (pending) pending.TryDequeue(out definition);
                if (definition is null) return;
                var start = Stopwatch.GetTimestamp();
                await Execute(builder, definition);
                // Which index is the long pole of the rebuild: the definition from its column list on, and its time.
                var what = definition[definition.IndexOf(" USING ", StringComparison.Ordinal)..].Trim();
                lock (built) built.Add($"{what} {Stopwatch.GetElapsedTime(start).TotalSeconds:0.0} s");
            }
        }
        await Task.WhenAll(BuildAsync(), BuildAsync());
        var seconds = clock.Elapsed.TotalSeconds;
        await Execute(connection, "DROP TABLE copy_ceiling");
        Console.WriteLine($"  bulk load by hand of {rows.Count:N0} rows: COPY with the primary key and unique index {copied:0.0} s, then {secondary.Count} indexes built, {seconds:0.0} s in all");
        Console.WriteLine($"    index builds, two at a time: {string.Join("; ", built)}");
        return rows.Count / seconds;
    }

    private static List<string[]> GoodRows(string file) => File.ReadLines(file).Skip(1).Select(l => l.Split(',')).Where(IsGood).ToList();

    private static async Task CopyRowsAsync(NpgsqlConnection connection, List<string[]> rows)
    {
        await using var copy = await connection.BeginBinaryImportAsync(
            "COPY copy_ceiling (id, first_name, last_name, emails, phones, email_keys, search_name, first_name_key, last_name_key, birth_date, addresses, tags, interests, created_at, updated_at, version, demographics, source, important_dates, messengers) FROM STDIN (FORMAT BINARY)");
        var now = DateTimeOffset.UtcNow;
        foreach (var r in rows)
        {
            await copy.StartRowAsync();
            await copy.WriteAsync(Guid.CreateVersion7(), NpgsqlDbType.Uuid);
            await copy.WriteAsync(r[0], NpgsqlDbType.Text);
            await copy.WriteAsync(r[1], NpgsqlDbType.Text);
            await copy.WriteAsync(new[] { r[2] }, NpgsqlDbType.Array | NpgsqlDbType.Text);
            await copy.WriteAsync(new[] { "+" + new string(r[3].Where(char.IsDigit).ToArray()) }, NpgsqlDbType.Array | NpgsqlDbType.Text);
            await copy.WriteAsync(new[] { r[2].ToLowerInvariant() }, NpgsqlDbType.Array | NpgsqlDbType.Text);
            await copy.WriteAsync($"{r[0]} {r[1]}".ToLowerInvariant(), NpgsqlDbType.Text);
            await copy.WriteAsync(r[0].ToLowerInvariant(), NpgsqlDbType.Text);
            await copy.WriteAsync(r[1].ToLowerInvariant(), NpgsqlDbType.Text);
            await copy.WriteAsync(DateOnly.ParseExact(r[4], "yyyy-MM-dd", CultureInfo.InvariantCulture), NpgsqlDbType.Date);
            await copy.WriteAsync($"[{{\"Kind\":\"postal\",\"City\":\"{r[5]}\"}}]", NpgsqlDbType.Jsonb);
            await copy.WriteAsync(r[6].Split(';', StringSplitOptions.RemoveEmptyEntries), NpgsqlDbType.Array | NpgsqlDbType.Text);
            await copy.WriteAsync(Array.Empty<string>(), NpgsqlDbType.Array | NpgsqlDbType.Text);
            await copy.WriteAsync(now, NpgsqlDbType.TimestampTz);
            await copy.WriteAsync(now, NpgsqlDbType.TimestampTz);
            await copy.WriteAsync(1, NpgsqlDbType.Integer);
            await copy.WriteAsync("{}", NpgsqlDbType.Jsonb);
            await copy.WriteAsync("{}", NpgsqlDbType.Jsonb);
            await copy.WriteAsync("[]", NpgsqlDbType.Jsonb);
            await copy.WriteAsync("[]", NpgsqlDbType.Jsonb);
        }
        await copy.CompleteAsync();
    }

    private static bool IsGood(string[] r) => r.Length == 7 && r[2].Contains('@') && r[4].Length == 10 && r[4][4] == '-';

    /// <summary>Writes the file; returns how many rows are good and how many bad, and the number of its last good person.</summary>
    private static (int Good, int Bad, int Probe) WriteFile(string path, int offset, int rows)
    {
        var random = new Random(offset + 7);
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 16);
        writer.WriteLine(Header);
        int good = 0, bad = 0, probe = 0;
        for (var n = 1; n <= rows; n++)
        {
            // ~1% repeat an earlier person of this file with another tag: the import matches them by e-mail.
            var i = offset + (n > 100 && random.Next(100) == 0 ? random.Next(1, n) : n);
            var email = Email(i);
            var birth = new DateOnly(1950, 1, 1).AddDays(i % 20000).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            var kind = random.Next(100);
            if (kind < 1) { email = email.Replace("@", " at "); bad++; }          // not an e-mail
            else if (kind < 2) { birth = "31.02.1990"; bad++; }                  // no such date
            else { good++; probe = i; }
            writer.Write(FirstNames[i % FirstNames.Length]); writer.Write(',');
            writer.Write(LastName(i)); writer.Write(',');
            writer.Write(email); writer.Write(',');
            writer.Write(PhoneWritten(i, random.Next(4))); writer.Write(',');
            writer.Write(birth); writer.Write(',');
            writer.Write(Cities[i % Cities.Length]); writer.Write(',');
            writer.WriteLine(i % 7 == 0 ? "vip;newsletter" : i % 3 == 0 ? "newsletter" : "");
        }
        return (good, bad, probe);
    }

    private static string LastName(int i) =>
        Syllables[i % 20] + Syllables[(i / 20) % 20].ToLowerInvariant() + Syllables[(i / 400) % 20].ToLowerInvariant() + Syllables[(i / 8000) % 20].ToLowerInvariant();

    private static string Email(int i) => $"{FirstNames[i % FirstNames.Length].ToLowerInvariant()}.{LastName(i).ToLowerInvariant()}{i}@example.com";

    private static string Phone(int i) => $"+48{600_000_000 + i % 100_000_000}";

    private static string PhoneWritten(int i, int form)
    {
        var digits = Phone(i)[3..];
        return form switch
        {
            0 => Phone(i),
            1 => $"+48 {digits[..3]} {digits[3..6]} {digits[6..]}",
            2 => $"0048-{digits[..3]}-{digits[3..6]}-{digits[6..]}",
            _ => $"(+48) {digits}",
        };
    }

    private static long PeakMemoryMb(int? pid)
    {
        if (pid is null) return -1;
        var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return line is null ? -1 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
    }

    private static async Task Execute(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync();
    }

}
