using System.Diagnostics;
using System.Net;
using CustomerBase.ServiceDefaults;

namespace CustomerBase.Bench.Scenarios;

/// <summary>
/// The first page of a contact's timeline through the gateway, for a contact with 10,000 interactions among
/// --orders background orders (1,000,000) of --contacts others (100,000): newest first, by kind, and a word search.
/// Sequential requests, p50/p95/p99 (target p95 &lt; 20 ms). Options: --history N (10000), --queries Q (300).
/// </summary>
public static class Timeline
{
    private const int Warmup = 50;

    public static async Task<int> RunAsync(string[] args)
    {
        var history = BenchOptions.Option(args, "--history", 10_000);
        var orders = BenchOptions.Option(args, "--orders", 1_000_000);
        var contacts = BenchOptions.Option(args, "--contacts", 100_000);
        var queries = BenchOptions.Option(args, "--queries", 300);
        await using var bench = await BenchSystem.StartAsync();
        var interactionsDb = bench.System.Postgres.ConnectionString(ResourceNames.InteractionsDb);

        var seeding = Stopwatch.StartNew();
        await InteractionsSeed.SeedContactsAsync(bench.System.Postgres.ConnectionString(ResourceNames.ContactsDb), contacts + 1);
        await InteractionsSeed.SeedOrdersAsync(interactionsDb, orders, contacts);
        // The contact under test (number contacts + 1): a long history of every kind, notes with words to search.
        var heavy = InteractionsSeed.ContactId(contacts + 1);
        await InteractionsSeed.InBatchesAsync(interactionsDb, $"""
            INSERT INTO interactions (id, contact_id, kind, occurred_at, recorded_at, channel, direction, subject, note, status, payload)
            SELECT gen_random_uuid(), '{heavy}', (ARRAY['call', 'email', 'note', 'visit', 'order'])[1 + i % 5],
                   timestamptz '2020-01-01' + i * interval '3 hours', now(), 'phone', 'out',
                   'Subject ' || i, (ARRAY['asked about lavender candles', 'invoice question', 'birthday next week', 'moved her visit'])[1 + i % 4] || ' ' || i,
                   CASE WHEN i % 5 = 4 THEN 'delivered' END,
                   CASE WHEN i % 5 = 4 THEN jsonb_build_object('number', 'H-' || i, 'currency', 'EUR', 'total', 10, 'lines',
                       jsonb_build_array(jsonb_build_object('sku', 'A', 'quantity', 1, 'unitPrice', 10))) ELSE jsonb_build_object() END
            FROM generate_series(@from, @to) AS i
            """, history, 100_000);
        await InteractionsSeed.VacuumAnalyzeAsync(interactionsDb, "interactions");
        Console.WriteLine($"Seeded {orders:N0} orders over {contacts:N0} contacts and {history:N0} interactions of one contact in {seeding.Elapsed.TotalSeconds:0.0} s.");

        (string Kind, string Query)[] kinds =
        [
            ("first page", ""),
            ("kind=order", "&kind=order"),
            ("kind=call,email", "&kind=call,email"),
            ("q=lavender", "&q=lavender"),
            ("period (1 month)", "&from=2021-03-01T00:00:00Z&to=2021-04-01T00:00:00Z"),
        ];
        Console.WriteLine();
        Console.WriteLine($"timeline: GET /api/interactions?contactId=… (limit 50) through the gateway, {queries} sequential requests per kind, {Environment.ProcessorCount} cores");
        Console.WriteLine($"| {"query",-18} | {"p50 ms",7} | {"p95 ms",7} | {"p99 ms",7} | {"items",5} |");
        Console.WriteLine($"|{new string('-', 20)}|{new string('-', 9)}|{new string('-', 9)}|{new string('-', 9)}|{new string('-', 7)}|");
        foreach (var (kind, query) in kinds)
        {
            var latencies = new List<double>();
            var items = 0;
            for (var q = 0; q < queries + Warmup; q++)
            {
                var clock = Stopwatch.StartNew();
                using var response = await bench.Http.GetAsync($"/api/interactions?contactId={heavy}&limit=50{query}");
                var body = await response.Content.ReadAsStringAsync();
                clock.Stop();
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    throw new InvalidOperationException($"{kind}: {(int)response.StatusCode} {body}");
                }
                if (q >= Warmup) // warm-up: the plan cache, tiered JIT and the contact check's cache
                {
                    latencies.Add(clock.Elapsed.TotalMilliseconds);
                    items = System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("items").GetArrayLength();
                }
            }
            latencies.Sort();
            Console.WriteLine($"| {kind,-18} | {InteractionsSeed.Quantile(latencies, 0.50),7:0.00} | {InteractionsSeed.Quantile(latencies, 0.95),7:0.00} | {InteractionsSeed.Quantile(latencies, 0.99),7:0.00} | {items,5} |");
        }
        Console.WriteLine();
        Console.WriteLine("target: p95 < 20 ms for the first page of a contact with 10,000 interactions");
        return 0;
    }
}
