using System.Diagnostics;
using System.Runtime.InteropServices;
using CustomerBase.Hosting.Servers;

namespace CustomerBase.Hosting;

/// <summary>
/// One of our .NET services run from its built assembly (<c>dotnet X.dll</c>, no rebuild): an optional one-shot
/// migration step, then the service, ready when its <c>/health</c> answers 200. If it crashes it is restarted
/// with back-off; stopping sends SIGTERM so it shuts down cleanly, and kills it only if it does not.
/// </summary>
public sealed class ServiceProcess : IResource, IAsyncDisposable
{
    // Generous: the first probe of a cold service also opens its first database connection while the JIT is busy.
    private static readonly HttpClient Health = new() { Timeout = TimeSpan.FromSeconds(5) };
    private readonly object _gate = new();
    private readonly ServiceSpec _spec;
    private readonly Action<string> _report;
    // Replaced on every (re)start after a stop: once cancelled, it tells the exit handler the exit was asked for.
    private CancellationTokenSource _stopping = new();
    private Process? _process;
    private StreamWriter? _log;
    private int _restarts;
    private bool _everHealthy;

    public ServiceProcess(ServiceSpec spec, Action<string> report)
    {
        _spec = spec;
        _report = report;
        LogFile = Path.Combine(spec.LogDirectory, spec.Name + ".log");
    }

    public string Name => _spec.Name;
    public string Kind => "service";
    public ResourceState State { get; private set; } = ResourceState.NotStarted;
    public int? ProcessId => _process is { HasExited: false } p ? p.Id : null;
    public DateTimeOffset? StartedAt { get; private set; }
    public int Restarts => _restarts;
    public string LogFile { get; }

    /// <summary>Its recent stdout and stderr lines (the log file keeps them all).</summary>
    public ConsoleLog Console { get; } = new();
    public Uri HttpUrl => _spec.HttpUrl;
    public Uri? GrpcUrl => _spec.GrpcUrl;
    public IReadOnlyList<string> Urls => _spec.GrpcUrl is null ? [_spec.HttpUrl.ToString()] : [_spec.HttpUrl.ToString(), _spec.GrpcUrl + " (gRPC)"];

    /// <summary>Applies the service's migrations (<c>dotnet X.dll migrate</c>): the job production runs before a rollout.</summary>
    public async Task MigrateAsync(CancellationToken ct)
    {
        if (!_spec.HasDatabase)
        {
            return;
        }
        EnsureAssembly();
        var migrateLog = Path.Combine(_spec.LogDirectory, _spec.Name + "-migrate.log");
        using var process = Process.Start(CreateStartInfo("migrate"))!;
        await using var log = new StreamWriter(migrateLog, append: false);
        var pump = Task.WhenAll(Pump(process.StandardOutput, log), Pump(process.StandardError, log));
        await process.WaitForExitAsync(ct);
        await pump;
        if (process.ExitCode != 0)
        {
            throw new ResourceStartException($"{Name}: migrations failed with exit code {process.ExitCode}; see {migrateLog}");
        }
    }

    public async Task StartAsync(CancellationToken ct)
    {
        EnsureAssembly();
        PortAllocator.EnsureFree(_spec.HttpUrl.Port, Name);
        if (_spec.GrpcUrl is { } grpc)
        {
            PortAllocator.EnsureFree(grpc.Port, Name);
        }
        Directory.CreateDirectory(_spec.LogDirectory);
        _log ??= new StreamWriter(LogFile, append: true) { AutoFlush = true };
        if (_stopping.IsCancellationRequested)
        {
            _stopping.Dispose();
            _stopping = new CancellationTokenSource();
        }
        await WaitHealthyAsync(Launch(), ct);
    }

    /// <summary>Stops the service cleanly and starts it again on the same ports (the dashboard's restart button).</summary>
    public async Task RestartAsync(CancellationToken ct)
    {
        await StopAsync(ct);
        await StartAsync(ct);
    }

    private void EnsureAssembly()
    {
        if (!File.Exists(_spec.AssemblyPath))
        {
            throw new ResourceStartException($"{Name}: {_spec.AssemblyPath} not found; build the solution first (dotnet build CustomerBase.sln -c {_spec.Configuration})");
        }
    }

    private Process Launch()
    {
        lock (_gate)
        {
            State = ResourceState.Starting;
            var process = new Process { StartInfo = CreateStartInfo(), EnableRaisingEvents = true };
            process.Exited += (_, _) => OnExited(process);
            process.Start();
            _ = Pump(process.StandardOutput, _log!, Console, isError: false);
            _ = Pump(process.StandardError, _log!, Console, isError: true);
            _process = process;
            StartedAt = DateTimeOffset.UtcNow;
            return process;
        }
    }

    private ProcessStartInfo CreateStartInfo(params string[] args)
    {
        var info = new ProcessStartInfo(DotnetHost.Path)
        {
            WorkingDirectory = Path.GetDirectoryName(_spec.AssemblyPath)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(_spec.AssemblyPath);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        foreach (var (key, value) in _spec.Environment)
        {
            info.Environment[key] = value;
        }
        return info;
    }

    private async Task WaitHealthyAsync(Process process, CancellationToken ct)
    {
        var deadline = DateTimeOffset.UtcNow + _spec.StartTimeout;
        var healthUrl = new Uri(_spec.HttpUrl, "/health");
        while (DateTimeOffset.UtcNow < deadline)
        {
            ct.ThrowIfCancellationRequested();
            if (process.HasExited)
            {
                throw new ResourceStartException($"{Name}: exited with code {process.ExitCode} while starting; see {LogFile}");
            }
            if (await IsHealthyAsync(healthUrl, ct))
            {
                State = ResourceState.Running;
                _everHealthy = true;
                return;
            }
            await Task.Delay(100, ct);
        }
        throw new ResourceStartException($"{Name}: not healthy within {_spec.StartTimeout.TotalSeconds:0} s ({healthUrl}); see {LogFile}");
    }

    public async Task<bool> IsHealthyAsync(CancellationToken ct) => await IsHealthyAsync(new Uri(_spec.HttpUrl, "/health"), ct);

    private static async Task<bool> IsHealthyAsync(Uri healthUrl, CancellationToken ct)
    {
        try
        {
            using var response = await Health.GetAsync(healthUrl, ct);
            return response.IsSuccessStatusCode;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            return false;
        }
    }

    private void OnExited(Process process)
    {
        if (_stopping.IsCancellationRequested || process != _process)
        {
            return;
        }
        State = ResourceState.Failed;
        if (!_everHealthy)
        {
            // It never came up: the start-up reports why; restarting would only repeat the failure.
            return;
        }
        var attempt = Interlocked.Increment(ref _restarts);
        var delay = TimeSpan.FromSeconds(Math.Min(30, Math.Pow(2, Math.Min(attempt - 1, 5))));
        _report($"{Name} exited with code {process.ExitCode}; restarting in {delay.TotalSeconds:0} s (restart {attempt}); see {LogFile}");
        _ = RestartAfterAsync(delay);
    }

    private async Task RestartAfterAsync(TimeSpan delay)
    {
        try
        {
            await Task.Delay(delay, _stopping.Token);
            await WaitHealthyAsync(Launch(), _stopping.Token);
            _report($"{Name} is running again");
        }
        catch (OperationCanceledException)
        {
        }
        catch (ResourceStartException)
        {
            // It crashed again while starting: its Exited handler has already scheduled the next attempt.
        }
    }

    /// <summary>Kills the process as if it had crashed: the restart logic takes over. For tests and the dashboard.</summary>
    public void SimulateCrash() => _process?.Kill(entireProcessTree: true);

    public async Task StopAsync(CancellationToken ct = default)
    {
        await _stopping.CancelAsync();
        var process = _process;
        if (process is null || process.HasExited)
        {
            State = ResourceState.Stopped;
            return;
        }
        State = ResourceState.Stopping;
        // SIGTERM lets the host stop gracefully (finish requests, close the bus); SIGKILL only if it hangs.
        _ = Signals.Terminate(process.Id);
        using var grace = CancellationTokenSource.CreateLinkedTokenSource(ct);
        grace.CancelAfter(TimeSpan.FromSeconds(10));
        try
        {
            await process.WaitForExitAsync(grace.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
        }
        State = ResourceState.Stopped;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process?.Dispose();
        if (_log is not null)
        {
            await _log.DisposeAsync();
        }
    }

    private static async Task Pump(StreamReader from, StreamWriter to, ConsoleLog? console = null, bool isError = false)
    {
        while (await from.ReadLineAsync() is { } line)
        {
            lock (to)
            {
                to.WriteLine(line);
            }
            console?.Add(line, isError);
        }
    }
}

/// <summary>What a service needs to run: its assembly, its endpoints and the Aspire-convention variables.</summary>
public sealed record ServiceSpec(
    string Name,
    string AssemblyPath,
    string Configuration,
    Uri HttpUrl,
    Uri? GrpcUrl,
    bool HasDatabase,
    IReadOnlyDictionary<string, string> Environment,
    string LogDirectory,
    TimeSpan StartTimeout);

internal static class DotnetHost
{
    /// <summary>The dotnet executable running us (the SDK sets DOTNET_HOST_PATH in builds and tests), else the one on PATH.</summary>
    public static string Path { get; } =
        System.Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host
        : System.Environment.ProcessPath is { } self && System.IO.Path.GetFileNameWithoutExtension(self) == "dotnet" ? self
        : "dotnet";
}

internal static partial class Signals
{
    private const int SIGTERM = 15;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    public static bool Terminate(int pid) => !OperatingSystem.IsWindows() && Kill(pid, SIGTERM) == 0;
}
