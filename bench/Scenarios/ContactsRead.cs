using CustomerBase.Bench.Load;

namespace CustomerBase.Bench.Scenarios;

/// <summary>
/// GET contacts by id through the gateway with the whole system running: requests/s (target ≥ 5,000 on 2 cores).
/// A pool of contacts is read round-robin by wrk's single URL per run, so each round reads a different contact.
/// </summary>
public static class ContactsRead
{
    public static async Task<int> RunAsync(string[] args)
    {
        var options = BenchOptions.Parse(args);
        await using var bench = await BenchSystem.StartAsync(options.Dashboard);
        var ids = new List<Guid>();
        for (var i = 0; i < options.Rounds + 1; i++)
        {
            ids.Add(await bench.CreateContactAsync());
        }
        var duration = TimeSpan.FromSeconds(options.Seconds);
        Console.WriteLine($"Load client: {options.Client.Name}, {options.Connections} connections, {options.Rounds} rounds of {options.Seconds} s; warming up …");
        await options.Client.RunAsync(new Uri(bench.System.GatewayUrl, $"/api/contacts/{ids[^1]}"), bench.Token, options.Connections, duration, default);

        var runs = new List<LoadResult>();
        for (var round = 0; round < options.Rounds; round++)
        {
            runs.Add(await options.Client.RunAsync(new Uri(bench.System.GatewayUrl, $"/api/contacts/{ids[round]}"), bench.Token, options.Connections, duration, default));
            Console.WriteLine($"  round {round + 1}: {runs[^1].RequestsPerSecond,8:0} req/s");
        }
        Console.WriteLine();
        Console.WriteLine($"contacts-read: GET /api/contacts/{{id}} through the gateway, medians of {options.Rounds} rounds ({options.Client.Name}, {options.Connections} connections, {Environment.ProcessorCount} cores)");
        LoadTable.Print([("gateway", runs)]);
        Console.WriteLine("target ≥ 5,000 req/s");
        if (bench.DashboardStatus is { } status)
        {
            Console.WriteLine(status);
        }
        return 0;
    }
}
