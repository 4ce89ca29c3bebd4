using System.Globalization;
using System.Net.Http.Json;
using System.Runtime.InteropServices;
using System.Text.Json;
using CustomerBase.Bench.Load;
using CustomerBase.Dashboard;
using CustomerBase.Hosting;
using CustomerBase.ServiceDefaults.Security;

namespace CustomerBase.Bench.Scenarios;

/// <summary>An isolated copy of the whole system for a benchmark (Release build, Production settings), and shared options.</summary>
public sealed class BenchSystem : IAsyncDisposable
{
    private readonly TemporaryDataDirectory _data;
    private readonly DashboardServer? _dashboard;
    private readonly PosixSignalRegistration[] _stopSignals;
    private int _disposed;

    private BenchSystem(TemporaryDataDirectory data, CustomerBaseSystem system, string token, DashboardServer? dashboard)
    {
        _data = data;
        _dashboard = dashboard;
        System = system;
        Token = token;
        Http = new HttpClient { BaseAddress = system.GatewayUrl };
        Http.DefaultRequestHeaders.Authorization = new("Bearer", token);
        // A benchmark stopped from outside (Ctrl+C, timeout, kill) stops its servers too instead of leaving them
        // running, and busy, behind it.
        _stopSignals = [.. new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGHUP }.Select(signal => PosixSignalRegistration.Create(signal, Abort))];
    }

    private void Abort(PosixSignalContext context)
    {
        context.Cancel = true;
        Console.Error.WriteLine($"{context.Signal}: stopping the system …");
        DisposeAsync().AsTask().GetAwaiter().GetResult();
        Environment.Exit(130);
    }

    public CustomerBaseSystem System { get; }
    public string Token { get; }
    public HttpClient Http { get; }

    /// <param name="withDashboard">As under ./run.sh: every service exports its telemetry to a dashboard (here in the bench process).</param>
    /// <param name="environment">Variables added to every service for this scenario.</param>
    public static async Task<BenchSystem> StartAsync(bool withDashboard = false, IReadOnlyDictionary<string, string>? environment = null)
    {
        var data = new TemporaryDataDirectory("bench");
        Console.WriteLine($"Starting the system ({SystemOptions.BuildConfiguration}{(withDashboard ? ", with the dashboard" : "")}) in {data.Path} …");
        var dashboard = withDashboard ? await DashboardServer.StartAsync(new DashboardOptions { Port = 0 }) : null;
        var options = new SystemOptions
        {
            DataDirectory = data.Path,
            Durable = false,
            Environment = "Production",
            // Information logs every request; the services' hot paths run at Warning in production too.
            // The rate limiter runs (one Redis round trip per request) but is set never to refuse the benchmark's one user.
            ExtraEnvironment = new Dictionary<string, string>
            {
                ["Logging__LogLevel__Default"] = "Warning",
                ["RateLimiting__PermitsPerWindow"] = int.MaxValue.ToString(CultureInfo.InvariantCulture),
                // Likewise the bulk-read alarm counts the contacts it reads, but never suspends it (a search bench reads
                // a thousand times its default hourly allowance).
                [$"ContactsOptions__BulkAccess__PerRole__{Roles.Administrator}"] = long.MaxValue.ToString(CultureInfo.InvariantCulture),
                // The generated customer lists are Polish: national and 0048-prefixed numbers are read as a Polish business would.
                ["ContactsOptions__DefaultPhoneRegion"] = "PL",
            }.Concat(environment ?? new Dictionary<string, string>()).ToDictionary(),
        };
        var system = await CustomerBaseSystem.StartAsync(dashboard?.SendTelemetryHere(options) ?? options, created: dashboard is null ? null : dashboard.Show);
        return new BenchSystem(data, system, system.Issuer.CreateToken(Roles.Administrator), dashboard);
    }

    /// <summary>What the dashboard received and whether it kept up (dropped exports), when it runs.</summary>
    public string? DashboardStatus => _dashboard is null ? null
        : $"dashboard kept {_dashboard.Telemetry.Spans.Count} spans and {_dashboard.Telemetry.Logs.Count} log records; exports dropped: {_dashboard.Otlp.Dropped}";

    public async Task<Guid> CreateContactAsync()
    {
        using var created = await Http.PostAsJsonAsync("/api/contacts", new
        {
            firstName = "Bench", lastName = "Mark", emails = new[] { "bench@example.com" }, phones = new[] { "+48601234567" },
            timeZone = "Europe/Warsaw", tags = new[] { "vip" },
        });
        created.EnsureSuccessStatusCode();
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        foreach (var registration in _stopSignals)
        {
            registration.Dispose();
        }
        Http.Dispose();
        await System.DisposeAsync();
        if (_dashboard is not null)
        {
            await _dashboard.DisposeAsync();
        }
        _data.Dispose();
    }
}

/// <summary>Command-line options shared by the scenarios.</summary>
public sealed record BenchOptions(int Rounds, int Seconds, int Connections, ILoadClient Client, bool Dashboard)
{
    public static BenchOptions Parse(string[] args) => new(
        Option(args, "--rounds", 5),
        Option(args, "--seconds", 5),
        Option(args, "--connections", 32),
        OptionText(args, "--client") switch
        {
            "dotnet" => new InProcessClient(),
            "wrk" => new WrkClient(),
            _ => WrkClient.IsInstalled() ? new WrkClient() : new InProcessClient(),
        },
        args.Contains("--dashboard"));

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>An integer option (<c>--rows 1000</c>), or the fallback when absent or not a number; every scenario reads its options with it.</summary>
    public static int Option(string[] args, string name, int fallback) =>
        OptionText(args, name) is { } text && int.TryParse(text, out var value) ? value : fallback;

    private static string? OptionText(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }
}
