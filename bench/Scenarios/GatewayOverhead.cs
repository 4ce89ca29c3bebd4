using CustomerBase.Bench.Load;
using CustomerBase.ServiceDefaults;

namespace CustomerBase.Bench.Scenarios;

/// <summary>
/// The same request through the gateway (token, rate limit, proxy) and directly to the contacts service (token),
/// alternating in one run (direct, gateway, direct, gateway, …) so both see the same machine state; medians of the
/// rounds. Two requests: a read by id (served from the Redis cache: the cheapest real endpoint, the worst case for
/// the ratio) and a search by e-mail (a PostgreSQL query). Options: --rounds N (5), --seconds S (5), --connections C (32),
/// --client wrk|dotnet.
/// </summary>
public static class GatewayOverhead
{
    public static async Task<int> RunAsync(string[] args)
    {
        var options = BenchOptions.Parse(args);
        await using var bench = await BenchSystem.StartAsync();
        var id = await bench.CreateContactAsync();
        (string Name, string Path)[] requests =
        [
            ("GET /api/contacts/{id} (cached)", $"/api/contacts/{id}"),
            ("GET /api/contacts?email= (database)", "/api/contacts?email=bench%40example.com&limit=1"),
        ];
        Console.WriteLine($"Load client: {options.Client.Name}, {options.Connections} connections, {options.Rounds} rounds of {options.Seconds} s each way");

        foreach (var (name, path) in requests)
        {
            await MeasureAsync(bench, options, name, path);
        }
        return 0;
    }

    private static async Task MeasureAsync(BenchSystem bench, BenchOptions options, string name, string path)
    {
        var direct = new Uri(bench.System.Service(ResourceNames.Contacts).HttpUrl, path);
        var gateway = new Uri(bench.System.GatewayUrl, path);
        var client = options.Client;
        var duration = TimeSpan.FromSeconds(options.Seconds);
        Console.WriteLine($"{name}: warming up …");
        await client.RunAsync(direct, bench.Token, options.Connections, duration, default);
        await client.RunAsync(gateway, bench.Token, options.Connections, duration, default);

        var directRuns = new List<LoadResult>();
        var gatewayRuns = new List<LoadResult>();
        for (var round = 1; round <= options.Rounds; round++)
        {
            directRuns.Add(await client.RunAsync(direct, bench.Token, options.Connections, duration, default));
            gatewayRuns.Add(await client.RunAsync(gateway, bench.Token, options.Connections, duration, default));
            Console.WriteLine($"  round {round}: direct {directRuns[^1].RequestsPerSecond,8:0} req/s, gateway {gatewayRuns[^1].RequestsPerSecond,8:0} req/s, ratio {gatewayRuns[^1].RequestsPerSecond / directRuns[^1].RequestsPerSecond:0.00}");
        }

        var ratios = directRuns.Zip(gatewayRuns, (d, g) => g.RequestsPerSecond / d.RequestsPerSecond).ToList();
        Console.WriteLine();
        Console.WriteLine($"gateway-overhead, {name}: medians of {options.Rounds} rounds ({client.Name}, {options.Connections} connections, {Environment.ProcessorCount} cores)");
        LoadTable.Print([("direct", directRuns), ("gateway", gatewayRuns)]);
        Console.WriteLine($"gateway / direct throughput: median {BenchOptions.Median(ratios):0.00} (rounds: {string.Join(", ", ratios.Select(r => r.ToString("0.00")))}); target ≥ 0.60 (≥ 0.50 with authentication and rate limiting)");
        Console.WriteLine();
    }
}
