using System.Diagnostics;
using CustomerBase.Interactions.Contracts.Grpc;
using CustomerBase.Interactions.Grpc;
using CustomerBase.Interactions.Infrastructure;
using CustomerBase.ServiceDefaults;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Npgsql;

namespace CustomerBase.Bench.Scenarios;

/// <summary>
/// gRPC PurchaseStats for --batch contacts (10,000) in one call, over --orders orders (5,000,000) of --contacts
/// contacts (500,000), called on interactions' gRPC endpoint as another service would. The orders are seeded with SQL
/// and their per-contact statistics computed by the service's own refresher, as writes keep them.
/// Both request forms are measured: ids as text and packed. Options: --calls N (50 of each form, after 10 to warm up).
/// Target: &lt; 100 ms a call.
/// </summary>
public static class PurchaseStatsScenario
{
    public static async Task<int> RunAsync(string[] args)
    {
        var orders = BenchOptions.Option(args, "--orders", 5_000_000);
        var contacts = BenchOptions.Option(args, "--contacts", 500_000);
        var batch = BenchOptions.Option(args, "--batch", 10_000);
        var calls = BenchOptions.Option(args, "--calls", 50);
        await using var bench = await BenchSystem.StartAsync();
        var interactionsDb = bench.System.Postgres.ConnectionString(ResourceNames.InteractionsDb);

        var seeding = Stopwatch.StartNew();
        await InteractionsSeed.SeedOrdersAsync(interactionsDb, orders, contacts);
        await InteractionsSeed.VacuumAnalyzeAsync(interactionsDb, "interactions");
        Console.WriteLine($"Seeded {orders:N0} orders over {contacts:N0} contacts in {seeding.Elapsed.TotalSeconds:0.0} s.");
        var refreshing = Stopwatch.StartNew();
        await using (var connection = new NpgsqlConnection(interactionsDb))
        {
            await connection.OpenAsync();
            foreach (var chunk in Enumerable.Range(1, contacts).Chunk(10_000))
            {
                await PurchaseStatsRefresher.RecomputeAsync(connection, chunk.Select(InteractionsSeed.ContactId).ToList(), default);
            }
        }
        await InteractionsSeed.VacuumAnalyzeAsync(interactionsDb, "contact_purchase_stats");
        Console.WriteLine($"Computed the statistics of {contacts:N0} contacts in {refreshing.Elapsed.TotalSeconds:0.0} s.");

        using var channel = GrpcChannel.ForAddress(bench.System.Service(ResourceNames.Interactions).GrpcUrl!);
        var client = new PurchaseStats.PurchaseStatsClient(channel);
        var headers = new Metadata { { "Authorization", "Bearer " + bench.Token } };
        var random = new Random(42);
        int[] serviceRoot = [bench.System.Service(ResourceNames.Interactions).ProcessId!.Value], postgresRoot = [bench.System.Postgres.ProcessId!.Value];
        // Both forms on the same data: ids and figures as text, and packed (16 bytes per id, columns of numbers).
        var text = await MeasureAsync(calls, serviceRoot, postgresRoot, random, batch, contacts, async ids =>
        {
            var request = new GetPurchaseStatsRequest();
            request.ContactIds.AddRange(ids.Select(id => id.ToString()));
            return (await client.GetPurchaseStatsAsync(request, headers)).Stats.Count;
        });
        var packed = await MeasureAsync(calls, serviceRoot, postgresRoot, random, batch, contacts, async ids =>
        {
            var bytes = new byte[ids.Length * 16];
            for (var i = 0; i < ids.Length; i++)
            {
                ids[i].TryWriteBytes(bytes.AsSpan(i * 16, 16), bigEndian: true, out _);
            }
            var reply = await client.GetPurchaseStatsAsync(new GetPurchaseStatsRequest { ContactIdsPacked = ByteString.CopyFrom(bytes) }, headers);
            return reply.Packed.OrderCounts.Count(count => count > 0);
        });

        // The service's read in the database alone (one lookup per id), to tell the query from the service and gRPC around it.
        var queryLatencies = new List<double>();
        await using (var connection = new NpgsqlConnection(interactionsDb))
        {
            await connection.OpenAsync();
            for (var call = 0; call < calls + 10; call++)
            {
                var ids = Enumerable.Range(0, batch).Select(_ => InteractionsSeed.ContactId(random.Next(1, contacts + 1))).ToArray();
                var clock = Stopwatch.StartNew();
                await using var command = new NpgsqlCommand(PurchaseStatsService.StatsSql, connection);
                command.Parameters.AddWithValue("ids", ids);
                await using (var reader = await command.ExecuteReaderAsync())
                {
                    while (await reader.ReadAsync()) { }
                }
                if (call >= 10)
                {
                    queryLatencies.Add(clock.Elapsed.TotalMilliseconds);
                }
            }
        }
        queryLatencies.Sort();
        Console.WriteLine();
        Console.WriteLine($"purchase-stats: gRPC PurchaseStats for {batch:N0} random contacts per call over {orders:N0} orders, {calls} calls, {Environment.ProcessorCount} cores");
        Console.WriteLine($"| {"",-22} | {"p50 ms",7} | {"p95 ms",7} | {"max ms",7} |");
        Console.WriteLine($"|{new string('-', 24)}|{new string('-', 9)}|{new string('-', 9)}|{new string('-', 9)}|");
        foreach (var (name, form) in new[] { ("gRPC call, text", text), ("gRPC call, packed", packed) })
        {
            Console.WriteLine($"| {name,-22} | {InteractionsSeed.Quantile(form.Latencies, 0.5),7:0.0} | {InteractionsSeed.Quantile(form.Latencies, 0.95),7:0.0} | {form.Latencies[^1],7:0.0} |");
        }
        Console.WriteLine($"| {"its query alone (SQL)",-22} | {InteractionsSeed.Quantile(queryLatencies, 0.5),7:0.0} | {InteractionsSeed.Quantile(queryLatencies, 0.95),7:0.0} | {queryLatencies[^1],7:0.0} |");
        Console.WriteLine($"{text.Found:N0} (text) and {packed.Found:N0} (packed) of {batch:N0} contacts had orders in the last call. CPU per call, text / packed: " +
            $"{text.ServiceCpu * 1000 / calls:0} / {packed.ServiceCpu * 1000 / calls:0} ms in the service, {text.PostgresCpu * 1000 / calls:0} / {packed.PostgresCpu * 1000 / calls:0} ms in PostgreSQL " +
            "(wall-clock figures on a shared machine include waiting for the CPU).");
        Console.WriteLine();
        Console.WriteLine("target: < 100 ms per call of 10,000 contacts over 5,000,000 orders");
        return 0;
    }

    private sealed record FormResult(List<double> Latencies, int Found, double ServiceCpu, double PostgresCpu);

    /// <summary>10 warm-up calls (JIT, connection pool, plan cache), then <paramref name="calls"/> measured ones of random contacts.</summary>
    private static async Task<FormResult> MeasureAsync(int calls, int[] serviceRoot, int[] postgresRoot, Random random, int batch, int contacts, Func<Guid[], Task<int>> call)
    {
        var latencies = new List<double>();
        var found = 0;
        double serviceCpu = 0, postgresCpu = 0;
        for (var i = 0; i < calls + 10; i++)
        {
            var ids = Enumerable.Range(0, batch).Select(_ => InteractionsSeed.ContactId(random.Next(1, contacts + 1))).ToArray();
            var (serviceBefore, postgresBefore) = (ProcessCpu.TreeSeconds(serviceRoot), ProcessCpu.TreeSeconds(postgresRoot));
            var clock = Stopwatch.StartNew();
            found = await call(ids);
            clock.Stop();
            if (i >= 10)
            {
                serviceCpu += ProcessCpu.TreeSeconds(serviceRoot) - serviceBefore;
                postgresCpu += ProcessCpu.TreeSeconds(postgresRoot) - postgresBefore;
                latencies.Add(clock.Elapsed.TotalMilliseconds);
            }
        }
        latencies.Sort();
        return new FormResult(latencies, found, serviceCpu, postgresCpu);
    }
}
