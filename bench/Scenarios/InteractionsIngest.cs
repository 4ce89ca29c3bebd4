using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CustomerBase.ServiceDefaults;
using Npgsql;

namespace CustomerBase.Bench.Scenarios;

/// <summary>
/// Bulk ingest of history through the gateway: a JSON-lines file of --rows interactions (1,000,000; 60% orders with
/// one to three lines, the rest calls, notes and visits, one row in a thousand bad) for --contacts contacts (10,000),
/// uploaded and followed until the job completes and segmentation holds every order it imported (ADR 29: segmentation
/// consumes the import's <c>OrdersImported</c> meanwhile, and its work belongs in the figure). Rows/s from upload to
/// then (target ≥ 30,000) and the interactions service's resident memory during the run (flat: one batch at a time).
/// Options: --rounds N (3).
/// </summary>
public static class InteractionsIngest
{
    public static async Task<int> RunAsync(string[] args)
    {
        var rows = BenchOptions.Option(args, "--rows", 1_000_000);
        var contacts = BenchOptions.Option(args, "--contacts", 10_000);
        var rounds = BenchOptions.Option(args, "--rounds", 3);
        await using var bench = await BenchSystem.StartAsync();
        await InteractionsSeed.SeedContactsAsync(bench.System.Postgres.ConnectionString(ResourceNames.ContactsDb), contacts);

        var file = Path.Combine(Path.GetTempPath(), $"bench-ingest-{Guid.NewGuid():N}.jsonl");
        try
        {
            var (size, goodOrders) = await WriteFileAsync(file, rows, contacts);
            Console.WriteLine($"Wrote {rows:N0} rows ({size / 1048576.0:0} MiB, {goodOrders:N0} good orders) to {file}.");
            var segmentationDb = bench.System.Postgres.ConnectionString(ResourceNames.SegmentationDb);
            var service = bench.System.Service(ResourceNames.Interactions);
            using var http = new HttpClient { BaseAddress = bench.System.GatewayUrl, Timeout = TimeSpan.FromHours(1) };
            http.DefaultRequestHeaders.Authorization = new("Bearer", bench.Token);

            // The interactions service and PostgreSQL (with its backends): where an import spends its CPU.
            int[] serviceRoot = [service.ProcessId!.Value], postgresRoot = [bench.System.Postgres.ProcessId!.Value];
            // Every process of the system, to see where the CPU of a round went (other services consume the imported orders).
            var everyone = bench.System.Resources.Where(r => r.ProcessId is not null).ToDictionary(
                r => r == bench.System.Postgres ? "postgres" : r.Name, r => r.ProcessId!.Value);
            var results = new List<(double RowsPerSecond, double StartMiB, double PeakMiB, double EndMiB, long Imported, long Failed, double ServiceMicros, double PostgresMicros)>();
            for (var round = 0; round < rounds; round++)
            {
                var startMiB = InteractionsSeed.ResidentMiB(service.ProcessId!.Value);
                var peakMiB = startMiB;
                var (serviceBefore, postgresBefore) = (ProcessCpu.TreeSeconds(serviceRoot), ProcessCpu.TreeSeconds(postgresRoot));
                var everyoneBefore = ProcessCpu.SecondsByLabel(everyone);
                var segmentationTarget = await SegmentationOrdersAsync(segmentationDb) + goodOrders;
                var clock = Stopwatch.StartNew();
                await using var upload = File.OpenRead(file);
                using var content = new StreamContent(upload);
                content.Headers.ContentType = new("application/x-ndjson");
                using var started = await http.PostAsync("/api/interactions/imports", content);
                if (started.StatusCode != HttpStatusCode.Accepted)
                {
                    throw new InvalidOperationException($"{(int)started.StatusCode} {await started.Content.ReadAsStringAsync()}");
                }
                var location = started.Headers.Location!.ToString();
                JsonElement job;
                TimeSpan? allRead = null; // every batch committed; what follows is the purchase statistics' refresh
                while (true)
                {
                    job = await http.GetFromJsonAsync<JsonElement>(location);
                    peakMiB = Math.Max(peakMiB, InteractionsSeed.ResidentMiB(service.ProcessId!.Value));
                    if (allRead is null && job.GetProperty("rowsRead").GetInt64() >= rows)
                    {
                        allRead = clock.Elapsed;
                    }
                    if (job.GetProperty("status").GetString() is "completed" or "failed")
                    {
                        break;
                    }
                    await Task.Delay(100);
                }
                if (job.GetProperty("status").GetString() != "completed")
                {
                    throw new InvalidOperationException($"The import failed: {job}");
                }
                var jobDone = clock.Elapsed;
                // Every imported order stored in segmentation (its statistics follow a quiet period later, ADR 29).
                while (await SegmentationOrdersAsync(segmentationDb) < segmentationTarget)
                {
                    peakMiB = Math.Max(peakMiB, InteractionsSeed.ResidentMiB(service.ProcessId!.Value));
                    await Task.Delay(100);
                }
                clock.Stop();
                var serviceMicros = (ProcessCpu.TreeSeconds(serviceRoot) - serviceBefore) * 1e6 / rows;
                var postgresMicros = (ProcessCpu.TreeSeconds(postgresRoot) - postgresBefore) * 1e6 / rows;
                var endMiB = InteractionsSeed.ResidentMiB(service.ProcessId!.Value);
                var everyoneAfter = ProcessCpu.SecondsByLabel(everyone);
                results.Add((rows / clock.Elapsed.TotalSeconds, startMiB, peakMiB, endMiB, job.GetProperty("rowsImported").GetInt64(), job.GetProperty("rowsFailed").GetInt64(), serviceMicros, postgresMicros));
                Console.WriteLine($"  round {round + 1}: {results[^1].RowsPerSecond,8:N0} rows/s in {clock.Elapsed.TotalSeconds:0.0} s " +
                    $"(rows in {(allRead ?? clock.Elapsed).TotalSeconds:0.0} s, job done {jobDone.TotalSeconds:0.0} s, then segmentation); {results[^1].Imported:N0} kept, {results[^1].Failed:N0} reported; " +
                    $"CPU/row {serviceMicros:0} µs service + {postgresMicros:0} µs PostgreSQL; RSS {startMiB:0} → peak {peakMiB:0} → {endMiB:0} MiB");
                Console.WriteLine("    CPU µs/row by process: " + string.Join(", ", everyoneAfter
                    .Select(e => (e.Key, Micros: (e.Value - everyoneBefore.GetValueOrDefault(e.Key)) * 1e6 / rows))
                    .Where(e => e.Micros >= 0.5).OrderByDescending(e => e.Micros).Select(e => $"{e.Key} {e.Micros:0}")));
                // Segmentation counts the imported orders in its statistics, metrics and segments once the import pauses
                // (ADR 29): the next round waits for that, so each round measures one import and not the last one's count.
                var counting = Stopwatch.StartNew();
                await WaitForSegmentationCountAsync(segmentationDb);
                Console.WriteLine($"    segmentation counted the round's orders in its statistics and segments {counting.Elapsed.TotalSeconds:0.0} s later (not in the round's time)");
            }
            Console.WriteLine();
            Console.WriteLine($"interactions-ingest: {rows:N0} JSON-lines rows per round through the gateway, median of {rounds} rounds, {Environment.ProcessorCount} cores");
            var cpu = BenchOptions.Median(results.Select(r => r.ServiceMicros + r.PostgresMicros));
            Console.WriteLine($"| {"rows/s",8} | {"µs CPU/row",10} | {"rows/s if 2 idle cores",22} | {"RSS start MiB",13} | {"RSS peak MiB",12} | {"RSS end MiB",11} |");
            Console.WriteLine($"|{new string('-', 10)}|{new string('-', 12)}|{new string('-', 24)}|{new string('-', 15)}|{new string('-', 14)}|{new string('-', 13)}|");
            Console.WriteLine($"| {BenchOptions.Median(results.Select(r => r.RowsPerSecond)),8:N0} | {cpu,10:0} | {2e6 / cpu,22:N0} | {BenchOptions.Median(results.Select(r => r.StartMiB)),13:0} | {BenchOptions.Median(results.Select(r => r.PeakMiB)),12:0} | {BenchOptions.Median(results.Select(r => r.EndMiB)),11:0} |");
            Console.WriteLine("(µs CPU/row: the interactions service and all of PostgreSQL, which includes other services' consumers writing while the import runs; the gateway and the bench are not counted.)");
            Console.WriteLine();
            Console.WriteLine("target: ≥ 30,000 rows/s, memory flat");
        }
        finally
        {
            File.Delete(file);
        }
        return 0;
    }

    /// <summary>Waits until no contact is pending in segmentation and its outbox (stage and membership events) is published.</summary>
    private static async Task WaitForSegmentationCountAsync(string segmentationDb)
    {
        await using var connection = new NpgsqlConnection(segmentationDb);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT (SELECT count(*) FROM pending_statistics) + (SELECT count(*) FROM outbox_messages WHERE sent_at IS NULL)", connection);
        var waited = Stopwatch.StartNew();
        while ((long)(await command.ExecuteScalarAsync())! > 0)
        {
            if (waited.Elapsed > TimeSpan.FromMinutes(10)) throw new TimeoutException("segmentation did not count the imported orders within 10 minutes");
            await Task.Delay(250);
        }
    }

    private static async Task<long> SegmentationOrdersAsync(string segmentationDb)
    {
        await using var connection = new NpgsqlConnection(segmentationDb);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM orders", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Writes the file; returns its size and how many of its orders are good (each becomes a row in segmentation's orders).</summary>
    private static async Task<(long Size, long GoodOrders)> WriteFileAsync(string path, int rows, int contacts)
    {
        var random = new Random(7);
        long goodOrders = 0;
        string[] categories = ["care", "tea", "coffee", "gifts", "books"];
        await using (var writer = new StreamWriter(path))
        {
            for (var i = 1; i <= rows; i++)
            {
                var contactId = InteractionsSeed.ContactId(1 + i % contacts);
                var at = new DateTimeOffset(2022, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(random.Next(0, 1_500_000));
                object row = (i % 10) switch
                {
                    < 6 => Order(contactId, at, i, random, categories),
                    6 => new { contactId, kind = "call", occurredAt = at, direction = "out", note = "Called about the order", call = new { durationSeconds = random.Next(10, 900), outcome = "answered" } },
                    7 => new { contactId, kind = "visit", occurredAt = at, visit = new { location = "Salon", durationMinutes = 60 } },
                    _ => new { contactId, kind = "note", occurredAt = at, note = "Prefers morning visits, allergic to lavender" },
                };
                var line = JsonSerializer.Serialize(row, BenchJson);
                if (i % 10 < 6 && i % 1000 != 500)
                {
                    goodOrders++;
                }
                if (i % 1000 == 500)
                {
                    line = line.Replace("\"currency\":\"EUR\"", "\"currency\":\"EUX\"").Replace("\"kind\":\"note\"", "\"kind\":\"telepathy\"").Replace("\"kind\":\"call\"", "\"kind\":\"telepathy\"");
                }
                await writer.WriteLineAsync(line);
            }
        }
        return (new FileInfo(path).Length, goodOrders);
    }

    private static readonly JsonSerializerOptions BenchJson = new(JsonSerializerDefaults.Web);

    private static object Order(Guid contactId, DateTimeOffset at, int i, Random random, string[] categories)
    {
        var lines = Enumerable.Range(0, 1 + i % 3).Select(l => new
        {
            sku = $"SKU-{random.Next(500)}", name = "Product", category = categories[random.Next(categories.Length)],
            quantity = 1 + random.Next(3), unitPrice = Math.Round(5 + (decimal)random.NextDouble() * 50, 2),
        }).ToArray();
        var total = lines.Sum(l => l.quantity * l.unitPrice);
        return new { contactId, kind = "order", occurredAt = at, channel = "web", order = new { number = $"H-{i}", currency = "EUR", total, status = "delivered", lines } };
    }
}
