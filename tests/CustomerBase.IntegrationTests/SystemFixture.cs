using CustomerBase.Hosting;

[assembly: AssemblyFixture(typeof(CustomerBase.IntegrationTests.SystemFixture))]

namespace CustomerBase.IntegrationTests;

/// <summary>
/// An isolated copy of the whole system, started once per test run through the AppHost library:
/// its own free ports and its own temporary data folder, removed afterwards.
/// </summary>
public sealed class SystemFixture : IAsyncLifetime
{
    private readonly TemporaryDataDirectory _data = new("system");

    public CustomerBaseSystem System { get; private set; } = null!;
    public HttpClient Gateway { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        System = await CustomerBaseSystem.StartAsync(new SystemOptions
        {
            DataDirectory = _data.Path,
            Durable = false,
            Report = line => Console.WriteLine($"[system] {line}"),
        });
        Gateway = new HttpClient { BaseAddress = System.GatewayUrl, Timeout = TimeSpan.FromSeconds(30) };
    }

    public async ValueTask DisposeAsync()
    {
        Gateway?.Dispose();
        if (System is not null)
        {
            await System.DisposeAsync();
        }
        _data.Dispose();
    }
}
