using System.Net;
using System.Net.Sockets;
using CustomerBase.Hosting;
using CustomerBase.Hosting.Servers;
using CustomerBase.ServiceDefaults;

namespace CustomerBase.IntegrationTests.Hosting;

/// <summary>
/// The AppHost's process supervision, on a gateway process of its own (it needs no database or broker),
/// so killing it disturbs no other test.
/// </summary>
public sealed class ServiceProcessTests : IAsyncLifetime
{
    private readonly TemporaryDataDirectory _data = new("supervision");
    private RedisServer _redis = null!;

    public async ValueTask InitializeAsync()
    {
        // The gateway keeps its rate-limit counters in Redis and is not ready without it.
        _redis = new RedisServer(Path.Combine(_data.Path, "redis"), PortAllocator.GetFreePort());
        await _redis.StartAsync(TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _redis.DisposeAsync();
        _data.Dispose();
    }

    [Fact]
    public async Task CrashedServiceIsReportedAndRestarted()
    {
        var reports = new List<string>();
        await using var gateway = new ServiceProcess(GatewaySpec(PortAllocator.GetFreePort()), line => { lock (reports) reports.Add(line); });
        await gateway.StartAsync(TestContext.Current.CancellationToken);
        var firstPid = gateway.ProcessId;

        gateway.SimulateCrash();

        // ProcessId is null between the kill and the relaunch, which must not count as "a new process".
        await Eventually.Until(() => Task.FromResult(gateway.State == ResourceState.Running && gateway.ProcessId is { } pid && pid != firstPid), ok => ok,
            TimeSpan.FromSeconds(30), "the gateway running again under a new process");
        Assert.Equal(1, gateway.Restarts);
        lock (reports)
        {
            Assert.Contains(reports, line => line.StartsWith("gateway exited", StringComparison.Ordinal));
        }
        Assert.True(await gateway.IsHealthyAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task RestartStartsANewProcessOnTheSamePortAndTheConsoleShowsItsOutput()
    {
        await using var gateway = new ServiceProcess(GatewaySpec(PortAllocator.GetFreePort()), _ => { });
        await gateway.StartAsync(TestContext.Current.CancellationToken);
        var firstPid = gateway.ProcessId;
        await Eventually.Until(() => Task.FromResult(gateway.Console.Since(0)), lines => lines.Any(l => l.Text.Contains("Now listening on")),
            what: "the gateway's start-up output in its console");

        await gateway.RestartAsync(TestContext.Current.CancellationToken);

        Assert.Equal(ResourceState.Running, gateway.State);
        Assert.NotEqual(firstPid, gateway.ProcessId);
        Assert.Equal(0, gateway.Restarts); // asked for, not a crash
        Assert.True(await gateway.IsHealthyAsync(TestContext.Current.CancellationToken));
        await Eventually.Until(() => Task.FromResult(gateway.Console.Since(0)), lines => lines.Count(l => l.Text.Contains("Now listening on")) == 2,
            what: "the second start's output after the first one's");
        // The server's console is its log file, followed.
        await Eventually.Until(() => Task.FromResult(_redis.Console.Since(0)), lines => lines.Any(l => l.Text.Contains("Ready to accept connections")),
            what: "Redis's start-up line in its console");
    }

    [Fact]
    public async Task TakenPortIsReportedInOneLineNamingTheServiceAndPort()
    {
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var port = ((IPEndPoint)squatter.LocalEndpoint).Port;
        await using var gateway = new ServiceProcess(GatewaySpec(port), _ => { });

        var error = await Assert.ThrowsAsync<ResourceStartException>(() => gateway.StartAsync(TestContext.Current.CancellationToken));

        Assert.Equal($"gateway: port {port} is already in use by another process", error.Message);
    }

    private ServiceSpec GatewaySpec(int port)
    {
        // The gateway only needs to know where the services are; nothing is called in these tests.
        var env = ServiceCatalog.Services.ToDictionary(s => $"services__{s.Name}__{ResourceNames.HttpEndpoint}__0", _ => "http://127.0.0.1:9");
        env[$"Kestrel__Endpoints__{ResourceNames.HttpEndpoint}__Url"] = $"http://127.0.0.1:{port}";
        env[$"ConnectionStrings__{ResourceNames.Redis}"] = _redis.ConnectionString;
        foreach (var (key, value) in new DevelopmentIssuer(_data.Path).Environment)
        {
            env[key] = value;
        }
        var definition = ServiceCatalog.Gateway;
        var configuration = SystemOptions.BuildConfiguration;
        return new ServiceSpec(definition.Name, definition.AssemblyPath(RepositoryLocator.Find(), configuration), configuration,
            new Uri($"http://127.0.0.1:{port}"), null, HasDatabase: false, env, _data.Path, TimeSpan.FromSeconds(30));
    }
}
