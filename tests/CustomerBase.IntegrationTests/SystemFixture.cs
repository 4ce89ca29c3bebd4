using CustomerBase.Dashboard;
using CustomerBase.Hosting;
using CustomerBase.ServiceDefaults.Security;

[assembly: AssemblyFixture(typeof(CustomerBase.IntegrationTests.SystemFixture))]

namespace CustomerBase.IntegrationTests;

/// <summary>
/// An isolated copy of the whole system, started once per test run through the AppHost library:
/// its own free ports and its own temporary data folder, removed afterwards. <see cref="Gateway"/> calls as an administrator.
/// As under ./run.sh, the developer dashboard runs too and every service sends it its telemetry.
/// </summary>
public sealed class SystemFixture : IAsyncLifetime
{
    private readonly TemporaryDataDirectory _data = new("system");

    public const int RateLimitPermits = 300;

    /// <summary>The largest import upload the test system accepts (small, so the 413 test sends little).</summary>
    public const long ImportLimitBytes = 4 * 1024 * 1024;

    /// <summary>Each test's user (a unique subject) may export this many rows a day.</summary>
    public const long ExportRowsPerDay = 20;

    /// <summary>Distinct contacts a support user may read in an hour before the bulk-read alarm (other roles: the default).</summary>
    public const long SupportReadsPerHour = 25;
    public static readonly TimeSpan RateLimitWindow = TimeSpan.FromSeconds(10);

    public CustomerBaseSystem System { get; private set; } = null!;
    public DashboardServer Dashboard { get; private set; } = null!;
    public HttpClient Gateway { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Dashboard = await DashboardServer.StartAsync(new DashboardOptions { Port = 0 });
        System = await CustomerBaseSystem.StartAsync(Dashboard.SendTelemetryHere(new SystemOptions
        {
            DataDirectory = _data.Path,
            Durable = false,
            // Low enough that a test can reach it quickly; every client below has its own subject, so its own budget.
            ExtraEnvironment = new Dictionary<string, string>
            {
                ["RateLimiting__PermitsPerWindow"] = RateLimitPermits.ToString(),
                ["RateLimiting__Window"] = RateLimitWindow.ToString(),
                ["ContactsOptions__Import__MaxFileBytes"] = ImportLimitBytes.ToString(),
                ["ContactsOptions__DefaultPhoneRegion"] = "PL",
                // A bulk load whatever the base already holds (other tests' contacts), but only for the bulk-load tests' files.
                ["ContactsOptions__Import__BulkLoadMinRows"] = BulkLoadMinRows.ToString(),
                ["ContactsOptions__Import__BulkLoadMaxExistingShare"] = "1000",
                ["ContactsOptions__Export__MaxRowsPerUserPerDay"] = ExportRowsPerDay.ToString(),
                [$"ContactsOptions__BulkAccess__PerRole__{Roles.Support}"] = SupportReadsPerHour.ToString(),
                // Consent checks of marketing by e-mail are answered from memory, every other slice in SQL: the
                // property test checks both paths against the same reference model.
                ["Consent__CheckCache__Slices__0"] = CachedConsentSlice,
                // Birthday campaigns scan their audience every 2 s instead of hourly, so a test sees a scan soon.
                ["Campaigns__TriggerScanInterval"] = "00:00:02",
            },
            Report = line => Console.WriteLine($"[system] {line}"),
        }), created: Dashboard.Show);
        Gateway = ClientFor(Roles.Administrator);
    }

    public const string CachedConsentSlice = "marketing/email";
    public const int BulkLoadMinRows = 20_000;

    /// <summary>
    /// A client of the gateway carrying a token of the development issuer for a new subject (so a test's requests
    /// count against no other test's rate limit); no role means no token at all.
    /// </summary>
    public HttpClient ClientFor(string? role, string? team = null, IEnumerable<string>? scopes = null, string? subject = null)
    {
        var client = new HttpClient { BaseAddress = System.GatewayUrl, Timeout = TimeSpan.FromSeconds(30) };
        if (role is not null)
        {
            client.DefaultRequestHeaders.Authorization = new("Bearer", System.Issuer.CreateToken(role, subject: subject ?? $"{role}-{Guid.NewGuid():N}", team: team, scopes: scopes));
        }
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        Gateway?.Dispose();
        if (System is not null)
        {
            await System.DisposeAsync();
        }
        if (Dashboard is not null)
        {
            await Dashboard.DisposeAsync();
        }
        KeepServiceLogs();
        _data.Dispose();
    }

    /// <summary>
    /// The services' logs outlive the data folder when <c>CUSTOMERBASE_TEST_LOGS</c> names a folder (./test.sh sets it
    /// and prints their errors when a test failed): a test that fails on a service's internal error is diagnosed from them.
    /// </summary>
    private void KeepServiceLogs()
    {
        if (Environment.GetEnvironmentVariable("CUSTOMERBASE_TEST_LOGS") is not { Length: > 0 } target || System is null
            || !Directory.Exists(System.LogDirectory))
        {
            return;
        }
        Directory.CreateDirectory(target);
        foreach (var log in Directory.EnumerateFiles(System.LogDirectory))
        {
            File.Copy(log, Path.Combine(target, Path.GetFileName(log)), overwrite: true);
        }
    }
}
