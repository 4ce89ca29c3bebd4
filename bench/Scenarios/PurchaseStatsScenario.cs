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
/// Options: --calls N (30). Target: &lt; 100 ms a call.
/// </summary>
public static class PurchaseStatsScenario
{
    public static async Task<int> RunAsync(string[] args)
    {
        var orders = InteractionsSeed.IntOption(args, "--orders", 5_000_000);
        var contacts = InteractionsSeed.IntOption(args, "--contacts", 500_000);
        var batch = InteractionsSeed.IntOption(args, "--batch", 10_000);
        var calls = InteractionsSeed.IntOption(args, "--calls", 30);
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
        for (var call = 0; call < calls + 3; call++)
        {
            var request = new GetPurchaseStatsRequest();
            request.ContactIds.AddRange(Enumerable.Range(0, batch).Select(_ => InteractionsSeed.ContactId(random.Next(1, contacts + 1)).ToString()));
            var clock = Stopwatch.StartNew();
            var reply = await client.GetPurchaseStatsAsync(request, headers);
            clock.Stop();
            if (call >= 3) // warm-up: JIT, connection pool, plan cache
            {
                latencies.Add(clock.Elapsed.TotalMilliseconds);
                found = reply.Stats.Count;
            }
        }
        latencies.Sort();
        Console.WriteLine();
        Console.WriteLine($"purchase-stats: gRPC PurchaseStats for {batch:N0} random contacts per call over {orders:N0} orders, {calls} calls, {Environment.ProcessorCount} cores");
        Console.WriteLine($"| {"p50 ms",7} | {"p95 ms",7} | {"max ms",7} | {"stats/call",10} |");
        Console.WriteLine($"|{new string('-', 9)}|{new string('-', 9)}|{new string('-', 9)}|{new string('-', 12)}|");
        Console.WriteLine($"| {InteractionsSeed.Quantile(latencies, 0.5),7:0.0} | {InteractionsSeed.Quantile(latencies, 0.95),7:0.0} | {latencies[^1],7:0.0} | {found,10:N0} |");
        Console.WriteLine();
        Console.WriteLine("target: < 100 ms per call of 10,000 contacts over 5,000,000 orders");
        return 0;
    }
}
