using CustomerBase.Hosting.Servers;

namespace CustomerBase.Hosting;

/// <summary>
/// Anything the AppHost runs (a server or one of our services), as the resource table and the dashboard see it.
/// A new kind of resource (e.g. a mail catcher) implements this and appears in both without further changes.
/// </summary>
public interface IResource
{
    string Name { get; }

    /// <summary>"server" or "service": what kind of process it is, for grouping in a list.</summary>
    string Kind { get; }

    ResourceState State { get; }
    int? ProcessId { get; }
    DateTimeOffset? StartedAt { get; }

    /// <summary>Where to reach it; <c>http</c> URLs are web pages a developer may open (e.g. the RabbitMQ management UI).</summary>
    IReadOnlyList<string> Urls { get; }

    string LogFile { get; }

    /// <summary>Its recent console output, live.</summary>
    ConsoleLog Console { get; }

    Task<bool> IsHealthyAsync(CancellationToken ct);
    Task RestartAsync(CancellationToken ct);
    Task StopAsync(CancellationToken ct);
}
