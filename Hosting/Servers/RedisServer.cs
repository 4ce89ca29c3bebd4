namespace CustomerBase.Hosting.Servers;

/// <summary>
/// Redis 7 as a cache: no persistence (nothing is saved to <paramref name="dataDirectory"/> but the pid file
/// and the log), listening on 127.0.0.1:<paramref name="port"/>.
/// </summary>
public sealed class RedisServer(string dataDirectory, int port) : LocalServer("redis", dataDirectory, "redis.log")
{
    private const string InstallHint = "run ./run.sh or apt-get install -y redis-server";

    public int Port { get; } = port;

    public string ServerPath { get; init; } = "/usr/bin/redis-server";

    /// <summary>StackExchange.Redis configuration string.</summary>
    public string ConnectionString => $"127.0.0.1:{Port}";

    public override IReadOnlyList<string> Urls => [$"tcp://127.0.0.1:{Port}"];

    private string PidFile => Path.Combine(DataDirectory, "redis.pid");

    protected override async Task<int> StartCoreAsync(CancellationToken ct)
    {
        RequireFile(ServerPath, InstallHint);
        await StopCoreAsync(ct); // a server left running by a killed AppHost
        PortAllocator.EnsureFree(Port, Name);

        var logOffset = ServerLog.Length(LogFile);
        string[] args =
        [
            "--port", Port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
            "--dir", DataDirectory, "--daemonize", "yes", "--pidfile", PidFile, "--logfile", LogFile,
        ];
        // Exits 0 as soon as it has forked; bind errors and the like only show in the log.
        if (await RunToolAsync(ServerPath, args, ct) != 0)
        {
            throw StartFailure("redis-server failed to start", logOffset);
        }

        await WaitUntilReadyAsync(ProbeAsync, TimeSpan.FromMilliseconds(20), ct, () => WhyStartFailed(logOffset), logOffset);
        return Unix.ReadPidFile(PidFile) ?? throw StartFailure($"{PidFile} missing after start", logOffset);
    }

    protected override async Task StopCoreAsync(CancellationToken ct)
    {
        if (Unix.ReadPidFile(PidFile) is not int pid)
        {
            return;
        }

        if (Unix.IsAlive(pid, "redis-server"))
        {
            // SIGTERM is Redis's clean shutdown; with persistence off there is nothing to save.
            await Unix.TerminateAsync(pid, StopTimeout, ct);
        }

        File.Delete(PidFile);
    }

    protected override async Task<bool> ProbeAsync(CancellationToken ct) =>
        await Probes.RequestAsync(Port, "PING\r\n"u8.ToArray(), 5, ct) is { } reply && reply.AsSpan().SequenceEqual("+PONG"u8);

    // The daemon writes its pid file only once it listens, so a failed start shows only in the log.
    private string? WhyStartFailed(long logOffset)
    {
        if (Unix.ReadPidFile(PidFile) is int pid && !Unix.IsAlive(pid, "redis-server"))
        {
            return "exited during start-up";
        }

        var newLog = ServerLog.ReadFrom(LogFile, logOffset);
        return newLog.Contains("aborting", StringComparison.OrdinalIgnoreCase) || newLog.Contains("Fatal", StringComparison.OrdinalIgnoreCase)
            ? "exited during start-up"
            : null;
    }
}
