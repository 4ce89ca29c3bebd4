using System.Net.Http.Json;
using System.Text.Json;
using CustomerBase.Bench.Load;
using CustomerBase.Hosting;
using CustomerBase.ServiceDefaults;
using CustomerBase.ServiceDefaults.Security;

namespace CustomerBase.Bench.Scenarios;

/// <summary>
/// GET one contact through the gateway (token validation, rate limiting in Redis, proxy) and directly from the
/// contacts service (token validation), alternating in one run
/// (direct, gateway, direct, gateway, …) so both see the same machine state; medians of the rounds.
/// Options: --rounds N (5), --seconds S (5), --connections C (32), --client wrk|dotnet.
/// </summary>
public static class GatewayOverhead
{
    public static async Task<int> RunAsync(string[] args)
    {
        var rounds = Option(args, "--rounds", 5);
        var seconds = Option(args, "--seconds", 5);
        var connections = Option(args, "--connections", 32);
        ILoadClient client = OptionText(args, "--client") switch
        {
            "dotnet" => new InProcessClient(),
            "wrk" => new WrkClient(),
            _ => WrkClient.IsInstalled() ? new WrkClient() : new InProcessClient(),
        };

        using var data = new TemporaryDataDirectory("bench");
        Console.WriteLine($"Starting the system ({SystemOptions.BuildConfiguration}) in {data.Path} …");
        await using var system = await CustomerBaseSystem.StartAsync(new SystemOptions
        {
            DataDirectory = data.Path,
            Durable = false,
            Environment = "Production",
            // Information logs every request; the services' hot paths run at Warning in production too.
            // The rate limiter runs (one Redis round trip per request) but is set never to refuse the benchmark's one user.
            ExtraEnvironment = new Dictionary<string, string>
            {
                ["Logging__LogLevel__Default"] = "Warning",
                ["RateLimiting__PermitsPerWindow"] = int.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture),
            },
        });

        // Both paths carry the same token: the service validates it either way, the gateway once more.
        var token = system.Issuer.CreateToken(Roles.Administrator);
        using var http = new HttpClient { BaseAddress = system.GatewayUrl };
        http.DefaultRequestHeaders.Authorization = new("Bearer", token);
        using var created = await http.PostAsJsonAsync("/api/contacts", new { firstName = "Bench", lastName = "Mark", emails = new[] { "bench@example.com" } });
        created.EnsureSuccessStatusCode();
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var path = $"/api/contacts/{id}";
        var direct = new Uri(system.Service(ResourceNames.Contacts).HttpUrl, path);
        var gateway = new Uri(system.GatewayUrl, path);

        Console.WriteLine($"Load client: {client.Name}, {connections} connections, {rounds} rounds of {seconds} s each way; warming up …");
        var warmUp = TimeSpan.FromSeconds(Math.Max(3, seconds));
        await client.RunAsync(direct, token, connections, warmUp, default);
        await client.RunAsync(gateway, token, connections, warmUp, default);

        var directRuns = new List<LoadResult>();
        var gatewayRuns = new List<LoadResult>();
        for (var round = 1; round <= rounds; round++)
        {
            directRuns.Add(await client.RunAsync(direct, token, connections, TimeSpan.FromSeconds(seconds), default));
            gatewayRuns.Add(await client.RunAsync(gateway, token, connections, TimeSpan.FromSeconds(seconds), default));
            Console.WriteLine($"  round {round}: direct {directRuns[^1].RequestsPerSecond,8:0} req/s, gateway {gatewayRuns[^1].RequestsPerSecond,8:0} req/s, ratio {gatewayRuns[^1].RequestsPerSecond / directRuns[^1].RequestsPerSecond:0.00}");
        }

        var ratios = directRuns.Zip(gatewayRuns, (d, g) => g.RequestsPerSecond / d.RequestsPerSecond).ToList();
        Console.WriteLine();
        Console.WriteLine($"gateway-overhead: GET /api/contacts/{{id}} with a bearer token, medians of {rounds} rounds ({client.Name}, {connections} connections, {Environment.ProcessorCount} cores)");
        Console.WriteLine($"| {"path",-8} | {"req/s",8} | {"p50 ms",7} | {"p99 ms",7} | {"errors",6} |");
        Console.WriteLine($"|{new string('-', 10)}|{new string('-', 10)}|{new string('-', 9)}|{new string('-', 9)}|{new string('-', 8)}|");
        PrintRow("direct", directRuns);
        PrintRow("gateway", gatewayRuns);
        Console.WriteLine();
        Console.WriteLine($"gateway / direct throughput: median {Median(ratios):0.00} (rounds: {string.Join(", ", ratios.Select(r => r.ToString("0.00")))}); target ≥ 0.60");

        return 0;
    }

    private static void PrintRow(string name, List<LoadResult> runs) =>
        Console.WriteLine($"| {name,-8} | {Median(runs.Select(r => r.RequestsPerSecond)),8:0} | {Median(runs.Select(r => r.P50Ms)),7:0.00} | {Median(runs.Select(r => r.P99Ms)),7:0.00} | {runs.Sum(r => r.Errors),6} |");

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static int Option(string[] args, string name, int fallback) =>
        OptionText(args, name) is { } text && int.TryParse(text, out var value) ? value : fallback;

    private static string? OptionText(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }
}
