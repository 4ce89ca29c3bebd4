namespace CustomerBase.Hosting.Servers;

/// <summary>
/// A server (PostgreSQL, Redis, RabbitMQ) run as a local process with its data in a folder of its own,
/// listening on 127.0.0.1 only. Subclasses say how to start, stop and probe; this class owns the lifecycle.
/// </summary>
public abstract class LocalServer : IResource, IAsyncDisposable
{
    // One start or stop at a time; health probes do not take it, so they never wait behind a slow start.
    private readonly SemaphoreSlim lifecycle = new(1, 1);
    private readonly Lock stateGate = new();
    private readonly LogFileFollower follower;
    private ResourceState state = ResourceState.NotStarted;

    protected LocalServer(string name, string dataDirectory, string logFileName)
    {
        Name = name;
        DataDirectory = Path.GetFullPath(dataDirectory);
        LogFile = Path.Combine(DataDirectory, logFileName);
        follower = new LogFileFollower(LogFile, Console);
    }

    /// <summary>"postgres", "redis" or "rabbitmq"; starts every error message.</summary>
    public string Name { get; }

    /// <summary>The folder holding this server's data, configuration, pid file and log.</summary>
    public string DataDirectory { get; }

    public ResourceState State
    {
        get
        {
            lock (stateGate)
            {
                return state;
            }
        }
    }

    /// <summary>The server's own OS pid (from its pid file) while it runs.</summary>
    public int? ProcessId { get; private set; }

    public DateTimeOffset? StartedAt { get; private set; }

    public abstract IReadOnlyList<string> Urls { get; }

    /// <summary>The server's own log; the output of the tools we run to start and stop it is appended here too.</summary>
    public string LogFile { get; }

    public string Kind => "server";

    /// <summary>The recent lines of <see cref="LogFile"/>, from the first start of this instance on.</summary>
    public ConsoleLog Console { get; } = new();

    /// <summary>How long <see cref="StartAsync"/> may take, from launching to ready.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long a clean stop may take before the process is killed.</summary>
    public TimeSpan StopTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Raised after every state change (for dashboards and logs).</summary>
    public event EventHandler<ResourceState>? StateChanged;

    /// <summary>
    /// Starts the server and returns once it accepts connections. Does nothing when it already runs.
    /// Initialises the data folder on first use and first stops a copy of this server left running on the same
    /// folder by an earlier, killed run. Throws <see cref="ResourceStartException"/> with a one-line reason.
    /// </summary>
    public async Task StartAsync(CancellationToken ct)
    {
        await lifecycle.WaitAsync(ct);
        try
        {
            if (State is ResourceState.Running or ResourceState.Unhealthy)
            {
                return;
            }

            SetState(ResourceState.Starting);
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
            deadline.CancelAfter(StartTimeout);
            var logOffset = ServerLog.Length(LogFile); // explain failures from this attempt's log lines only
            follower.Start(logOffset);
            try
            {
                Directory.CreateDirectory(DataDirectory);
                ProcessId = await StartCoreAsync(deadline.Token);
                StartedAt = DateTimeOffset.Now;
                SetState(ResourceState.Running);
            }
            catch (Exception e)
            {
                // Explain the failure before the clean-up below adds its own log lines.
                var failure = e switch
                {
                    ResourceStartException => null,
                    OperationCanceledException when ct.IsCancellationRequested => null,
                    OperationCanceledException => StartFailure($"not ready within {StartTimeout.TotalSeconds:0} s", logOffset, e),
                    _ => StartFailure(e.Message, logOffset, e),
                };

                // Whatever got launched must not outlive the failed attempt.
                await CleanUpAfterFailedStartAsync();
                SetState(ct.IsCancellationRequested ? ResourceState.Stopped : ResourceState.Failed);
                if (failure is null)
                {
                    throw;
                }

                throw failure;
            }
        }
        finally
        {
            lifecycle.Release();
        }
    }

    /// <summary>Stops the server cleanly (killing it only if it does not stop in time) and leaves no process behind.</summary>
    public async Task StopAsync(CancellationToken ct)
    {
        await lifecycle.WaitAsync(ct);
        try
        {
            if (State is ResourceState.NotStarted or ResourceState.Stopped or ResourceState.Failed)
            {
                return;
            }

            SetState(ResourceState.Stopping);
            try
            {
                await StopCoreAsync(ct);
            }
            catch
            {
                SetState(ProcessId is int pid && Unix.IsAlive(pid) ? ResourceState.Unhealthy : ResourceState.Exited);
                throw;
            }

            ProcessId = null;
            StartedAt = null;
            SetState(ResourceState.Stopped);
        }
        finally
        {
            lifecycle.Release();
        }
    }

    /// <summary>Stops the server and starts it again on the same data and ports.</summary>
    public async Task RestartAsync(CancellationToken ct)
    {
        await StopAsync(ct);
        await StartAsync(ct);
    }

    /// <summary>Cheap liveness probe; also moves the state between Running, Unhealthy and Exited.</summary>
    public async Task<bool> IsHealthyAsync(CancellationToken ct)
    {
        if (State is not (ResourceState.Running or ResourceState.Unhealthy))
        {
            return false;
        }

        if (ProcessId is int pid && !Unix.IsAlive(pid))
        {
            SetState(ResourceState.Exited, onlyIfRunning: true);
            return false;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(2));
        bool healthy;
        try
        {
            healthy = await ProbeAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            healthy = false;
        }

        SetState(healthy ? ResourceState.Running : ResourceState.Unhealthy, onlyIfRunning: true);
        return healthy;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None);
        await follower.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    /// <summary>Starts the server (including stale-instance clean-up, port checks and first-run setup) and returns its pid once ready.</summary>
    protected abstract Task<int> StartCoreAsync(CancellationToken ct);

    /// <summary>Stops the server of this data folder if it runs; must tolerate it not running and must not throw for "already gone".</summary>
    protected abstract Task StopCoreAsync(CancellationToken ct);

    /// <summary>One protocol-level probe (connect, ping); false or an exception means unhealthy.</summary>
    protected abstract Task<bool> ProbeAsync(CancellationToken ct);

    /// <summary>Builds the one-line start error: "name: reason: last relevant log line (log: path)".</summary>
    protected ResourceStartException StartFailure(string reason, long logOffset = 0, Exception? inner = null)
    {
        var detail = ServerLog.LastRelevantLine(LogFile, logOffset);
        var message = detail is null || reason.Contains(detail, StringComparison.Ordinal)
            ? $"{Name}: {reason} (log: {LogFile})"
            : $"{Name}: {reason}: {detail} (log: {LogFile})";
        return inner is null ? new ResourceStartException(message) : new ResourceStartException(message, inner);
    }

    /// <summary>Throws the "not found (install ...)" error when a binary is missing.</summary>
    protected void RequireFile(string path, string installHint)
    {
        if (!File.Exists(path))
        {
            throw new ResourceStartException($"{Name}: {path} not found ({installHint})");
        }
    }

    /// <summary>Runs a tool with its output going to <see cref="LogFile"/>; returns the exit code.</summary>
    protected Task<int> RunToolAsync(
        string fileName,
        IEnumerable<string> arguments,
        CancellationToken ct,
        IReadOnlyDictionary<string, string?>? environment = null,
        string? runAs = null) =>
        ToolRunner.RunAsync(LogFile, fileName, arguments, ct, environment, workingDirectory: "/", runAs);

    /// <summary>
    /// Polls <paramref name="isReady"/> every <paramref name="interval"/> until it is true. <paramref name="whyFailed"/>
    /// returns a reason as soon as start-up has visibly failed (process gone, fatal log line), to fail fast.
    /// </summary>
    protected async Task WaitUntilReadyAsync(
        Func<CancellationToken, Task<bool>> isReady,
        TimeSpan interval,
        CancellationToken ct,
        Func<string?>? whyFailed = null,
        long logOffset = 0)
    {
        while (!await isReady(ct))
        {
            if (whyFailed?.Invoke() is string reason)
            {
                throw StartFailure(reason, logOffset);
            }

            await Task.Delay(interval, ct);
        }
    }

    private async Task CleanUpAfterFailedStartAsync()
    {
        try
        {
            // Each step of a stop is bounded by StopTimeout on its own; this only guards against a hang in between.
            using var timeout = new CancellationTokenSource(StopTimeout * 3);
            await StopCoreAsync(timeout.Token);
        }
        catch (Exception e)
        {
            // The start error is what matters to the caller; the clean-up problem still goes to the log.
            try
            {
                await ServerLog.AppendAsync(LogFile, $"clean-up after failed start: {e.Message}", CancellationToken.None);
            }
            catch (IOException)
            {
            }
        }

        ProcessId = null;
    }

    private void SetState(ResourceState next, bool onlyIfRunning = false)
    {
        lock (stateGate)
        {
            // A probe finishing late must not overwrite Stopping/Stopped set by a concurrent stop.
            if (state == next || (onlyIfRunning && state is not (ResourceState.Running or ResourceState.Unhealthy)))
            {
                return;
            }

            state = next;
        }

        StateChanged?.Invoke(this, next);
    }
}
