using System.Security.Cryptography;
using System.Text;

namespace CustomerBase.Hosting.Servers;

/// <summary>
/// RabbitMQ 3.10 with the management UI, as an Erlang node of its own: own node name, cookie, epmd and
/// distribution port, so a test broker never talks to the dev broker. AMQP on 127.0.0.1:<paramref name="amqpPort"/>,
/// management UI on 127.0.0.1:<paramref name="managementPort"/>; user guest/guest (allowed from loopback).
/// </summary>
public sealed class RabbitMqServer(string dataDirectory, int amqpPort, int managementPort)
    : LocalServer("rabbitmq", dataDirectory, "rabbitmq.log")
{
    private const string InstallHint = "run ./run.sh or apt-get install -y rabbitmq-server";

    // `rabbitmqctl shutdown` takes ~7 s on 3.10: when rabbit stops, the management agent's event handler is
    // removed and blocks ~5 s (fixed upstream in 3.13, rabbitmq-server PR #11070). Removing that handler first,
    // then stopping rabbit takes ~0.1 s; the VM then halts as after `shutdown` (pid file removed, clean mnesia).
    // A node still booting would add the handler after we removed it, hence await_startup first.
    private const string FastStop =
        "catch rabbit:await_startup(), catch gen_event:delete_handler(rabbit_event, rabbit_mgmt_db_handler, []), " +
        "ok = rabbit:stop(), spawn(fun() -> timer:sleep(100), init:stop() end), ok.";

    // The environment of the running (or last) instance; every CLI call must use the same one, or it looks
    // for the node on another epmd, with another cookie (HOME), or silently starts a second epmd on 4369.
    private Dictionary<string, string?>? environment;

    public int AmqpPort { get; } = amqpPort;

    public int ManagementPort { get; } = managementPort;

    public string BinDirectory { get; init; } = "/usr/lib/rabbitmq/bin";

    public string EpmdPath { get; init; } = "/usr/bin/epmd";

    /// <summary>Derived from the data folder: stable (mnesia data is tied to the node name) and unique per folder.</summary>
    public string NodeName =>
        "customerbase-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(DataDirectory)))[..10] + "@localhost";

    public string ConnectionString => $"amqp://guest:guest@127.0.0.1:{AmqpPort}/";

    public string ManagementUrl => $"http://127.0.0.1:{ManagementPort}/";

    public override IReadOnlyList<string> Urls => [$"tcp://127.0.0.1:{AmqpPort}", ManagementUrl];

    private string PidFile => Path.Combine(DataDirectory, "rabbitmq.pid");

    private string HomeDirectory => Path.Combine(DataDirectory, "home");

    private string EnvironmentFile => Path.Combine(DataDirectory, "node.env");

    private string CrashDump => Path.Combine(DataDirectory, "erl_crash.dump");

    protected override async Task<int> StartCoreAsync(CancellationToken ct)
    {
        RequireFile(Path.Combine(BinDirectory, "rabbitmq-server"), InstallHint);
        RequireFile(Path.Combine(BinDirectory, "rabbitmqctl"), InstallHint);
        RequireFile(EpmdPath, InstallHint);

        await StopCoreAsync(ct); // a broker (or epmd) left running by a killed AppHost
        PortAllocator.EnsureFree(AmqpPort, Name);
        PortAllocator.EnsureFree(ManagementPort, Name);

        environment = NewEnvironment();
        WriteNodeFiles(environment);
        // Both are how a failed boot is recognised below, so none may be left from an earlier run.
        File.Delete(CrashDump);
        File.Delete(PidFile);

        var logOffset = ServerLog.Length(LogFile);
        // Returns at once with exit code 0 even when the node fails to boot: readiness is judged below.
        // Only the broker may write erl_crash.dump (see ERL_CRASH_DUMP_SECONDS in NewEnvironment).
        var serverEnvironment = new Dictionary<string, string?>(environment) { ["ERL_CRASH_DUMP"] = CrashDump, ["ERL_CRASH_DUMP_SECONDS"] = null };
        if (await RunToolAsync(Path.Combine(BinDirectory, "rabbitmq-server"), ["-detached"], ct, serverEnvironment) != 0)
        {
            throw StartFailure("rabbitmq-server -detached failed", logOffset);
        }

        await WaitForBootAsync(logOffset, ct);
        // `wait` returns once all plugins run, so both listeners should be up; confirm from the client's side.
        await WaitUntilReadyAsync(ProbeAsync, TimeSpan.FromMilliseconds(50), ct);
        await WaitUntilReadyAsync(c => Probes.CanConnectAsync(ManagementPort, c), TimeSpan.FromMilliseconds(50), ct);
        return Unix.ReadPidFile(PidFile) ?? throw StartFailure($"{PidFile} missing after start", logOffset);
    }

    protected override async Task StopCoreAsync(CancellationToken ct)
    {
        // After a killed AppHost, node.env tells which epmd and cookie the leftover broker uses.
        var env = environment ?? LoadEnvironmentFile();
        if (env is null)
        {
            return;
        }

        if (Unix.ReadPidFile(PidFile) is int pid && Unix.IsAlive(pid, "beam.smp"))
        {
            await StopBrokerAsync(pid, env, ct);
        }
        else if (FindBootingBroker() is int booting)
        {
            // Killed or crashed while booting, before writing its pid file: nothing to shut down cleanly yet,
            // and the CLI may not even reach it (it would retry for ~10 s).
            await Unix.TerminateAsync(booting, TimeSpan.FromSeconds(10), ct);
        }

        // epmd outlives the broker.
        await KillEpmdAsync(env, ct);
        File.Delete(PidFile);
    }

    /// <summary>A TCP connection to the AMQP port; AMQP itself is the clients' business.</summary>
    protected override Task<bool> ProbeAsync(CancellationToken ct) => Probes.CanConnectAsync(AmqpPort, ct);

    private async Task StopBrokerAsync(int pid, Dictionary<string, string?> env, CancellationToken ct)
    {
        var stopped = false;
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            timeout.CancelAfter(StopTimeout);
            try
            {
                // Fails fast (e.g. "noproc") while the node is still booting and the CLI cannot reach it yet.
                stopped = await RunToolAsync(Path.Combine(BinDirectory, "rabbitmqctl"), ["eval", FastStop], timeout.Token, env) == 0
                    && await Unix.WaitForExitAsync(pid, StopTimeout, timeout.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
            }
        }

        if (!stopped)
        {
            // SIGTERM makes the VM stop RabbitMQ gracefully too (just with the slow path); SIGKILL if that hangs.
            await ServerLog.AppendAsync(LogFile, $"broker {pid} still running; sending SIGTERM", ct);
            await Unix.TerminateAsync(pid, StopTimeout, ct);
        }
    }

    // The node name is not on the VM's command line (it comes from the environment), but our HOME is, as
    // "-home <dir>". CLI calls are Erlang VMs with the same HOME; only the broker runs "-s rabbit boot".
    private int? FindBootingBroker() =>
        Unix.FindProcesses("beam.smp", $" -home {HomeDirectory} ")
            .Where(pid => Unix.CommandLine(pid).Contains(" rabbit boot ", StringComparison.Ordinal))
            .Cast<int?>()
            .FirstOrDefault();

    private async Task KillEpmdAsync(Dictionary<string, string?> env, CancellationToken ct)
    {
        // -kill is refused while a node (even a just-finished CLI call) is still registered, so retry briefly.
        for (var attempt = 0; attempt < 20; attempt++)
        {
            if (await RunToolAsync(EpmdPath, ["-kill"], ct, env) == 0 || !await EpmdRunsAsync(env, ct))
            {
                return;
            }

            await Task.Delay(100, ct);
        }
    }

    private static async Task<bool> EpmdRunsAsync(Dictionary<string, string?> env, CancellationToken ct) =>
        int.TryParse(env.GetValueOrDefault("ERL_EPMD_PORT"), out var port) && await Probes.CanConnectAsync(port, ct);

    /// <summary>
    /// Waits for `rabbitmqctl wait` (pid file, then distribution, then all apps and plugins running) while
    /// watching for a failed boot, which the launcher does not report: a node that dies before writing its pid
    /// file leaves only an erl_crash.dump (e.g. a bad distribution port), one that dies later leaves a dead pid.
    /// </summary>
    private async Task WaitForBootAsync(long logOffset, CancellationToken ct)
    {
        using var waitCancel = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var seconds = Math.Max(1, (int)StartTimeout.TotalSeconds).ToString();
        var wait = RunToolAsync(Path.Combine(BinDirectory, "rabbitmqctl"), ["wait", "--timeout", seconds, PidFile], waitCancel.Token, environment);
        try
        {
            while (!wait.IsCompleted)
            {
                // The VM writes the dump over a few hundred ms; its third line says why it died.
                if (File.Exists(CrashDump) && (CrashSlogan() is not null || File.GetLastWriteTimeUtc(CrashDump) < DateTime.UtcNow.AddSeconds(-2)))
                {
                    throw StartFailure("node crashed during boot: " + (CrashSlogan() ?? $"see {CrashDump}"), logOffset);
                }

                if (Unix.ReadPidFile(PidFile) is int pid && !Unix.IsAlive(pid, "beam.smp"))
                {
                    throw StartFailure("node exited during boot", logOffset);
                }

                await Task.WhenAny(wait, Task.Delay(100, ct));
                ct.ThrowIfCancellationRequested();
            }

            if (await wait != 0)
            {
                throw StartFailure("rabbitmqctl wait failed", logOffset);
            }
        }
        finally
        {
            await waitCancel.CancelAsync();
            try
            {
                await wait;
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    private string? CrashSlogan()
    {
        try
        {
            var slogan = File.ReadLines(CrashDump).Take(5).FirstOrDefault(line => line.StartsWith("Slogan:", StringComparison.Ordinal));
            return slogan?[..Math.Min(slogan.Length, 300)];
        }
        catch (IOException)
        {
            return null;
        }
    }

    private Dictionary<string, string?> NewEnvironment()
    {
        var env = InheritedErlangSettingsRemoved();
        var set = new Dictionary<string, string>
        {
            ["HOME"] = HomeDirectory, // the Erlang cookie lives in $HOME
            ["LANG"] = "C.UTF-8",
            ["RABBITMQ_NODENAME"] = NodeName,
            ["RABBITMQ_NODE_IP_ADDRESS"] = "127.0.0.1",
            ["RABBITMQ_NODE_PORT"] = AmqpPort.ToString(),
            // The default (AMQP port + 20000) overflows above 45535 and the boot then fails silently.
            ["RABBITMQ_DIST_PORT"] = PortAllocator.GetFreePort().ToString(),
            // Our own epmd, never the shared 4369 one, so instances cannot see or disturb each other.
            ["ERL_EPMD_PORT"] = PortAllocator.GetFreePort().ToString(),
            ["ERL_EPMD_ADDRESS"] = "127.0.0.1",
            ["RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS"] = "-kernel inet_dist_use_interface {127,0,0,1}",
            ["RABBITMQ_MNESIA_BASE"] = Path.Combine(DataDirectory, "mnesia"),
            ["RABBITMQ_LOG_BASE"] = Path.Combine(DataDirectory, "log"),
            ["RABBITMQ_LOGS"] = LogFile,
            ["RABBITMQ_CONFIG_FILE"] = Path.Combine(DataDirectory, "rabbitmq.conf"),
            ["RABBITMQ_ADVANCED_CONFIG_FILE"] = Path.Combine(DataDirectory, "advanced.config"),
            ["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(DataDirectory, "enabled_plugins"),
            ["RABBITMQ_PID_FILE"] = PidFile,
            // Empty, so /etc/rabbitmq/rabbitmq-env.conf is not read.
            ["RABBITMQ_CONF_ENV_FILE"] = Path.Combine(DataDirectory, "rabbitmq-env.conf"),
            // CLI calls are Erlang VMs too: without this, a failing rabbitmqctl would write a crash dump into
            // the working folder, or overwrite the broker's, which is how we detect a failed boot.
            ["ERL_CRASH_DUMP_SECONDS"] = "0",
        };
        foreach (var (name, value) in set)
        {
            env[name] = value;
        }

        return env;
    }

    // Inherited RABBITMQ_*/ERL_* settings (e.g. from a shell profile) must not leak in: this node is configured only here.
    private static Dictionary<string, string?> InheritedErlangSettingsRemoved() =>
        System.Environment.GetEnvironmentVariables().Keys.Cast<string>()
            .Where(name => name.StartsWith("RABBITMQ_", StringComparison.Ordinal) || name.StartsWith("ERL_", StringComparison.Ordinal))
            .ToDictionary(name => name, _ => (string?)null);

    /// <summary>Config, plugins, cookie and node.env; cheap, so rewritten on every start (ports may change).</summary>
    private void WriteNodeFiles(Dictionary<string, string?> env)
    {
        foreach (var folder in new[] { "home", "mnesia", "log" })
        {
            Directory.CreateDirectory(Path.Combine(DataDirectory, folder));
        }

        File.WriteAllText(env["RABBITMQ_CONFIG_FILE"]!, $"""
            # Written by CustomerBase.Hosting on every start; AMQP address and port come from the environment.
            management.tcp.ip = 127.0.0.1
            management.tcp.port = {ManagementPort}

            """);
        // What `rabbitmq-plugins --offline enable rabbitmq_management` writes, without its 0.7 s start-up.
        File.WriteAllText(env["RABBITMQ_ENABLED_PLUGINS_FILE"]!, "[rabbitmq_management].\n");
        File.WriteAllText(env["RABBITMQ_CONF_ENV_FILE"]!, "");

        // Created by us before any Erlang VM runs, so the server and the CLI can never race to create different ones.
        var cookie = Path.Combine(HomeDirectory, ".erlang.cookie");
        if (!File.Exists(cookie))
        {
            Unix.WritePrivateFile(cookie, RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZ", 32), readOnly: true);
        }

        File.WriteAllLines(EnvironmentFile, env.Where(e => e.Value is not null).Select(e => $"{e.Key}={e.Value}"));
    }

    private Dictionary<string, string?>? LoadEnvironmentFile()
    {
        if (!File.Exists(EnvironmentFile))
        {
            return null;
        }

        var env = InheritedErlangSettingsRemoved();
        foreach (var line in File.ReadLines(EnvironmentFile))
        {
            if (line.IndexOf('=') is var split and > 0)
            {
                env[line[..split]] = line[(split + 1)..];
            }
        }

        return env;
    }
}
