using System.Collections.Concurrent;
using CustomerBase.Hosting;
using CustomerBase.Hosting.Servers;

namespace CustomerBase.Dashboard.Resources;

/// <summary>Probes every running resource's health every two seconds, so the list shows health, not only "the process runs".</summary>
public sealed class ResourceMonitor : PeriodicLoop
{
    private readonly ConcurrentDictionary<string, bool> _healthy = new();
    private readonly Func<IReadOnlyList<IResource>> _resources;

    public ResourceMonitor(Func<IReadOnlyList<IResource>> resources)
    {
        _resources = resources;
        Start(TimeSpan.FromSeconds(2));
    }

    /// <summary>"Healthy" or "Unhealthy" after the last probe of a running resource; null while not running or not yet probed.</summary>
    public string? Health(IResource resource) =>
        resource.State is ResourceState.Running or ResourceState.Unhealthy && _healthy.TryGetValue(resource.Name, out var healthy)
            ? healthy ? "Healthy" : "Unhealthy"
            : null;

    protected override Task TickAsync(CancellationToken ct) =>
        Task.WhenAll(_resources()
            .Where(r => r.State is ResourceState.Running or ResourceState.Unhealthy)
            .Select(async r =>
            {
                try
                {
                    _healthy[r.Name] = await r.IsHealthyAsync(ct);
                }
                catch (Exception) when (!ct.IsCancellationRequested)
                {
                    _healthy[r.Name] = false;
                }
            }));
}
