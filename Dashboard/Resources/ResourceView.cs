using CustomerBase.Dashboard.Telemetry;
using CustomerBase.Hosting;
using CustomerBase.ServiceDefaults;

namespace CustomerBase.Dashboard.Resources;

/// <summary>The system the dashboard shows, once attached, with its health monitor and queue-depth poller.</summary>
public sealed class ResourceView : IAsyncDisposable
{
    private CustomerBaseSystem? _system;
    private ResourceMonitor? _monitor;
    private QueueDepthPoller? _queues;

    public CustomerBaseSystem? System => _system;

    public IReadOnlyList<IResource> All => _system?.Resources ?? [];

    public IResource? Find(string name) => All.FirstOrDefault(r => r.Name == name);

    public string? Health(IResource resource) => _monitor?.Health(resource);

    public void Attach(CustomerBaseSystem system, MetricStore metrics)
    {
        if (_system is not null)
        {
            throw new InvalidOperationException("The dashboard already shows a system.");
        }
        _system = system;
        _monitor = new ResourceMonitor(() => system.Resources);
        var services = system.Services.Select(s => s.Name).Where(n => n != ResourceNames.Gateway).ToList();
        _queues = new QueueDepthPoller(new Uri(system.RabbitMq.ManagementUrl), services, metrics);
    }

    public async ValueTask DisposeAsync()
    {
        if (_monitor is not null)
        {
            await _monitor.DisposeAsync();
        }
        if (_queues is not null)
        {
            await _queues.DisposeAsync();
        }
    }
}
