using System.Net;
using CustomerBase.Dashboard.Otlp;
using CustomerBase.Dashboard.Resources;
using CustomerBase.Dashboard.Telemetry;
using CustomerBase.Hosting;
using CustomerBase.Hosting.Servers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CustomerBase.Dashboard;

/// <summary>Where the dashboard listens and how much it keeps.</summary>
public sealed record DashboardOptions
{
    public const int DefaultPort = 18888;

    /// <summary>Loopback by default: the dashboard can stop processes and hand out tokens.</summary>
    public IPAddress Address { get; init; } = IPAddress.Loopback;

    /// <summary>0 picks a free port (tests).</summary>
    public int Port { get; init; } = DefaultPort;

    public DashboardLimits Limits { get; init; } = new();
}

/// <summary>
/// The developer dashboard, served by the AppHost (as Aspire's is): the resources it runs with their console output,
/// and the logs, traces and metrics every service sends it over OTLP/HTTP. Start it before the system, point the
/// services at it with <see cref="SendTelemetryHere"/>, then <see cref="Show"/> the system.
/// </summary>
public sealed class DashboardServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly OtlpReceiver _otlp;
    private readonly string _otlpApiKey;
    private readonly ResourceView _resources;

    private DashboardServer(WebApplication app, OtlpReceiver otlp, string otlpApiKey, DashboardAuth auth, ResourceView resources, TelemetryStores telemetry)
    {
        _app = app;
        _otlp = otlp;
        _otlpApiKey = otlpApiKey;
        Auth = auth;
        _resources = resources;
        Telemetry = telemetry;
    }

    public Uri Url { get; private set; } = null!;

    /// <summary>Opens the dashboard in a browser (sets its cookie); printed at start-up.</summary>
    public Uri LoginUrl => new(Url, $"{DashboardAuth.LoginPath}?t={Auth.BrowserToken}");

    public DashboardAuth Auth { get; }
    public TelemetryStores Telemetry { get; }
    public OtlpReceiver Otlp => _otlp;

    public static async Task<DashboardServer> StartAsync(DashboardOptions options, CancellationToken ct = default)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        // Configured here only: the host process's appsettings.json and ASPNETCORE_*/Logging__* variables are meant for others.
        builder.Configuration.Sources.Clear();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(options.Address, options.Port));
        builder.Logging.ClearProviders().AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);

        var app = builder.Build();
        var auth = new DashboardAuth(DashboardAuth.NewToken());
        var telemetry = new TelemetryStores(options.Limits);
        var otlpApiKey = DashboardAuth.NewToken();
        var otlp = new OtlpReceiver(telemetry, otlpApiKey);
        var resources = new ResourceView();

        app.Use(auth.Guard);
        app.MapGet(DashboardAuth.LoginPath, auth.Login);
        otlp.Map(app);
        ResourceEndpoints.Map(app, resources);
        TelemetryEndpoints.Map(app, telemetry, otlp);
        TokenEndpoints.Map(app, resources);
        StaticFiles.Map(app);

        var dashboard = new DashboardServer(app, otlp, otlpApiKey, auth, resources, telemetry);
        try
        {
            await app.StartAsync(ct);
        }
        catch (IOException e)
        {
            await dashboard.DisposeAsync();
            throw new ResourceStartException($"dashboard: cannot listen on {options.Address}:{options.Port}: {e.Message}", e);
        }
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        dashboard.Url = new Uri(address.Replace("[::]", "localhost", StringComparison.Ordinal));
        return dashboard;
    }

    /// <summary>The same options with every service sending its logs, traces and metrics here.</summary>
    public SystemOptions SendTelemetryHere(SystemOptions options) => options with
    {
        OtlpEndpoint = Url.ToString().TrimEnd('/'),
        OtlpHeaders = $"{OtlpReceiver.ApiKeyHeader}={_otlpApiKey}",
    };

    /// <summary>Shows the system's resources (also while it starts) and begins probing their health and queue depths.</summary>
    public void Show(CustomerBaseSystem system) => _resources.Attach(system, Telemetry.Metrics);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        await _resources.DisposeAsync();
        await _otlp.DisposeAsync();
    }
}
