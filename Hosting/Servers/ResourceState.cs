namespace CustomerBase.Hosting.Servers;

/// <summary>Lifecycle of a resource (server or service) as shown by the AppHost.</summary>
public enum ResourceState
{
    NotStarted,
    Starting,
    Running,
    /// <summary>The process is alive but its last health probe failed.</summary>
    Unhealthy,
    /// <summary>The process went away without being asked to stop.</summary>
    Exited,
    /// <summary>Start-up failed; see the exception and the log file.</summary>
    Failed,
    Stopping,
    Stopped,
}
