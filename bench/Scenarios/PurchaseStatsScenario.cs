using System.Diagnostics;
using CustomerBase.Interactions.Contracts.Grpc;
using CustomerBase.Interactions.Infrastructure;
using CustomerBase.ServiceDefaults;
using Grpc.Core;
using Grpc.Net.Client;
using Npgsql;

namespace CustomerBase.Bench.Scenarios;

/// <summary>
/// gRPC PurchaseStats for --batch contacts (10,000) in one call, over --orders orders (5,000,000) of --contacts
/// contacts (500,000), called on interactions' gRPC endpoint as another service would. The orders are seeded with SQL
/// and their per-contact statistics computed by the service's own refresher, as writes keep them.
/// Options: --calls N (50, after 10 to warm up). Target: &lt; 100 ms a call.
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
                await using var transaction = await connection.BeginTransactionAsync();
                await PurchaseStatsRefresher.RefreshAsync(connection, transaction, chunk.Select(InteractionsSeed.ContactId).ToList(), default);
                await transaction.CommitAsync();
            }
        }
        await InteractionsSeed.VacuumAnalyzeAsync(interactionsDb, "contact_purchase_stats");
        Console.WriteLine($"Computed the statistics of {contacts:N0} contacts in {refreshing.Elapsed.TotalSeconds:0.0} s.");

        using var channel = GrpcChannel.ForAddress(bench.System.Service(ResourceNames.Interactions).GrpcUrl!);
        var client = new PurchaseStats.PurchaseStatsClient(channel);
        var headers = new Metadata { { "Authorization", "Bearer " + bench.Token } };
        var random = new Random(42);
        var latencies = new List<double>();
        var found = 0;
        int[] serviceRoot = [bench.System.Service(ResourceNames.Interactions).ProcessId!.Value], postgresRoot = [bench.System.Postgres.ProcessId!.Value];
        double serviceCpu = 0, postgresCpu = 0;
        for (var call = 0; call < calls + 10; call++)
        {
            var (serviceBefore, postgresBefore) = (ProcessCpu.TreeSeconds(serviceRoot), ProcessCpu.TreeSeconds(postgresRoot));
            var request = new GetPurchaseStatsRequest();
            request.ContactIds.AddRange(Enumerable.Range(0, batch).Select(_ => InteractionsSeed.ContactId(random.Next(1, contacts + 1)).ToString()));
            var clock = Stopwatch.StartNew();
            var reply = await client.GetPurchaseStatsAsync(request, headers);
            clock.Stop();
            if (call >= 10) // warm-up: JIT, connection pool, plan cache
            {
                serviceCpu += ProcessCpu.TreeSeconds(serviceRoot) - serviceBefore;
                postgresCpu += ProcessCpu.TreeSeconds(postgresRoot) - postgresBefore;
                latencies.Add(clock.Elapsed.TotalMilliseconds);
                found = reply.Stats.Count;
            }
        }
        latencies.Sort();

        // The same read in the database alone, to tell the query from the service and gRPC around it.
        var queryLatencies = new List<double>();
        await using (var connection = new NpgsqlConnection(interactionsDb))
        {
            await connection.OpenAsync();
            for (var call = 0; call < calls + 10; call++)
            {
                var ids = Enumerable.Range(0, batch).Select(_ => InteractionsSeed.ContactId(random.Next(1, contacts + 1))).ToArray();
                var clock = Stopwatch.StartNew();
                await using var command = new NpgsqlCommand("SELECT * FROM contact_purchase_stats WHERE contact_id = ANY(@ids)", connection);
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
        Console.WriteLine($"| {"gRPC call",-22} | {InteractionsSeed.Quantile(latencies, 0.5),7:0.0} | {InteractionsSeed.Quantile(latencies, 0.95),7:0.0} | {latencies[^1],7:0.0} |");
        Console.WriteLine($"| {"its query alone (SQL)",-22} | {InteractionsSeed.Quantile(queryLatencies, 0.5),7:0.0} | {InteractionsSeed.Quantile(queryLatencies, 0.95),7:0.0} | {queryLatencies[^1],7:0.0} |");
        Console.WriteLine($"{found:N0} of {batch:N0} contacts had orders. CPU per call: {serviceCpu * 1000 / calls:0} ms in the service, {postgresCpu * 1000 / calls:0} ms in PostgreSQL " +
            "(wall-clock figures on a shared machine include waiting for the CPU).");
        Console.WriteLine();
        Console.WriteLine("target: < 100 ms per call of 10,000 contacts over 5,000,000 orders");
        return 0;
    }
}
