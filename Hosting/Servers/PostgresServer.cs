using System.Security.Cryptography;

namespace CustomerBase.Hosting.Servers;

/// <summary>
/// PostgreSQL 15: one cluster in <c>dataDirectory/pgdata</c>, listening on 127.0.0.1:<paramref name="port"/>.
/// The postgres superuser's password is generated on first use and kept in <c>dataDirectory/password</c>.
/// </summary>
/// <param name="durable">
/// False trades crash safety for speed (fsync, synchronous_commit and full_page_writes off): for tests,
/// whose data is thrown away anyway.
/// </param>
public sealed class PostgresServer(string dataDirectory, int port, bool durable = true)
    : LocalServer("postgres", dataDirectory, "postgres.log")
{
    private const string InstallHint = "run ./run.sh or apt-get install -y postgresql-15";

    // Unix socket paths are limited to 107 bytes; with a longer data path we go without the socket (we use TCP).
    private const int MaxSocketPath = 107;

    private readonly Lock passwordGate = new();
    private string? password;

    public int Port { get; } = port;

    public bool Durable { get; } = durable;

    /// <summary>Five services with connection pools plus tests need more than the default 100.</summary>
    public int MaxConnections { get; init; } = 300;

    public string BinDirectory { get; init; } = "/usr/lib/postgresql/15/bin";

    public override IReadOnlyList<string> Urls => [$"tcp://127.0.0.1:{Port}"];

    /// <summary>The postgres superuser's password, generated once per data folder and kept in it.</summary>
    public string Password
    {
        get
        {
            lock (passwordGate)
            {
                return password ??= LoadOrCreatePassword();
            }
        }
    }

    private string ClusterDirectory => Path.Combine(DataDirectory, "pgdata");

    private string PasswordFile => Path.Combine(DataDirectory, "password");

    private string PidFile => Path.Combine(ClusterDirectory, "postmaster.pid");

    // Server tools refuse to run as root; as anyone else they simply run as that user.
    private string? RunAs => Unix.IsRoot ? "postgres" : null;

    public string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Password={Password};Database={database}";

    protected override async Task<int> StartCoreAsync(CancellationToken ct)
    {
        foreach (var tool in new[] { "initdb", "pg_ctl", "postgres" })
        {
            RequireFile(Bin(tool), InstallHint);
        }

        if (Unix.IsRoot)
        {
            RequireFile(ToolRunner.RunUser, "apt-get install -y util-linux");
        }

        await PrepareFolderAsync(ct);
        await StopCoreAsync(ct); // a cluster left running by a killed AppHost holds our port and folder
        PortAllocator.EnsureFree(Port, Name);
        if (!File.Exists(Path.Combine(ClusterDirectory, "PG_VERSION")))
        {
            await InitialiseClusterAsync(ct);
        }

        var logOffset = ServerLog.Length(LogFile);
        var seconds = Math.Max(1, (int)StartTimeout.TotalSeconds).ToString();
        // -w: pg_ctl polls postmaster.pid ten times a second and returns once the server accepts connections.
        var exitCode = await RunToolAsync(
            Bin("pg_ctl"), ["-D", ClusterDirectory, "-l", LogFile, "-w", "-t", seconds, "-o", ServerOptions(), "start"], ct, runAs: RunAs);
        if (exitCode != 0)
        {
            throw StartFailure("pg_ctl start failed", logOffset);
        }

        await WaitUntilReadyAsync(ProbeAsync, TimeSpan.FromMilliseconds(50), ct);
        return Unix.ReadPidFile(PidFile) ?? throw StartFailure($"{PidFile} missing after start", logOffset);
    }

    protected override async Task StopCoreAsync(CancellationToken ct)
    {
        if (Unix.ReadPidFile(PidFile) is not int pid)
        {
            return;
        }

        if (IsOurPostmaster(pid))
        {
            // fast: roll back open transactions and disconnect clients, but shut down cleanly (no recovery on next start).
            var seconds = Math.Max(1, (int)StopTimeout.TotalSeconds).ToString();
            await RunToolAsync(Bin("pg_ctl"), ["-D", ClusterDirectory, "-m", "fast", "-w", "-t", seconds, "stop"], ct, runAs: RunAs);
            if (!await Unix.WaitForExitAsync(pid, TimeSpan.FromSeconds(5), ct))
            {
                await ServerLog.AppendAsync(LogFile, $"postmaster {pid} did not stop; killing it", ct);
                await Unix.TerminateAsync(pid, TimeSpan.FromSeconds(5), ct);
            }
        }

        if (!IsOurPostmaster(pid))
        {
            await RemoveStaleLockFilesAsync(pid, ct);
        }
    }

    /// <summary>An SSLRequest answered with 'N' or 'S' proves a PostgreSQL server (not just any listener) is up.</summary>
    protected override async Task<bool> ProbeAsync(CancellationToken ct)
    {
        byte[] sslRequest = [0, 0, 0, 8, 0x04, 0xD2, 0x16, 0x2F];
        return await Probes.RequestAsync(Port, sslRequest, 1, ct) is [(byte)'N' or (byte)'S'];
    }

    /// <summary>
    /// The postmaster is gone (e.g. killed with the AppHost) or its pid now belongs to another process.
    /// PostgreSQL normally cleans up after a dead postmaster itself, but it tests the pids in postmaster.pid and
    /// in the socket lock file with kill(pid, 0), which succeeds for a zombie; where PID 1 reaps orphans late,
    /// the next start would refuse. So remove them, once the dead postmaster's children (which leave by
    /// themselves when they notice) are gone, so that no two generations share the data folder.
    /// </summary>
    private async Task RemoveStaleLockFilesAsync(int pid, CancellationToken ct)
    {
        if (!Unix.IsAlive(pid))
        {
            foreach (var child in Unix.ChildrenOf(pid).ToList())
            {
                await Unix.TerminateAsync(child, TimeSpan.FromSeconds(5), ct);
            }
        }

        File.Delete(PidFile);
        foreach (var socketFile in Directory.EnumerateFiles(ClusterDirectory, ".s.PGSQL.*"))
        {
            File.Delete(socketFile);
        }
    }

    private string Bin(string tool) => Path.Combine(BinDirectory, tool);

    private bool IsOurPostmaster(int pid) =>
        Unix.IsAlive(pid, "postgres") && Unix.CommandLine(pid).Contains($" -D {ClusterDirectory} ", StringComparison.Ordinal);

    /// <summary>PostgreSQL's page cache; 1GB suits a local base of a few million contacts.</summary>
    public string SharedBuffers { get; init; } = "1GB";

    private string ServerOptions()
    {
        var socketDirectory = ClusterDirectory.Length + $"/.s.PGSQL.{Port}".Length <= MaxSocketPath ? ClusterDirectory : "";
        // pg_ctl hands these to /bin/sh, hence the quoting.
        List<string> settings =
        [
            "listen_addresses=127.0.0.1",
            $"port={Port}",
            $"unix_socket_directories={socketDirectory}",
            $"max_connections={MaxConnections}",
            // The packaged default (128 MB) holds a fraction of a million-contact base; the machines have 24 GiB.
            $"shared_buffers={SharedBuffers}",
        ];
        if (!Durable)
        {
            settings.AddRange(["fsync=off", "synchronous_commit=off", "full_page_writes=off"]);
        }

        return string.Join(' ', settings.Select(setting => "-c " + Unix.ShellQuote(setting)));
    }

    private async Task PrepareFolderAsync(CancellationToken ct)
    {
        Directory.CreateDirectory(DataDirectory);
        if (!File.Exists(LogFile))
        {
            await File.WriteAllTextAsync(LogFile, "", ct);
        }

        if (Unix.IsRoot)
        {
            // The postgres account must reach the folder, own the cluster and append to the log.
            Unix.AllowOthersToEnter(DataDirectory);
            await Unix.ChownAsync("postgres:postgres", LogFile, ct);
        }
    }

    private async Task InitialiseClusterAsync(CancellationToken ct)
    {
        // A folder without PG_VERSION is a half-finished initdb (interrupted run): start over.
        if (Directory.Exists(ClusterDirectory))
        {
            Directory.Delete(ClusterDirectory, recursive: true);
        }

        Directory.CreateDirectory(ClusterDirectory);
        var passwordFile = Path.Combine(DataDirectory, "initdb-password");
        Unix.WritePrivateFile(passwordFile, Password + "\n");
        if (Unix.IsRoot)
        {
            await Unix.ChownAsync("postgres:postgres", ClusterDirectory, ct);
            await Unix.ChownAsync("postgres:postgres", passwordFile, ct);
        }

        var logOffset = ServerLog.Length(LogFile);
        int exitCode;
        try
        {
            List<string> args =
            [
                "-D", ClusterDirectory, "-U", "postgres", "--auth-local=trust", "--auth-host=scram-sha-256",
                $"--pwfile={passwordFile}", "-E", "UTF8", "--locale=C.UTF-8",
            ];
            if (!Durable)
            {
                args.Add("--no-sync");
            }

            exitCode = await RunToolAsync(Bin("initdb"), args, ct, runAs: RunAs);
        }
        finally
        {
            File.Delete(passwordFile);
        }

        if (exitCode != 0)
        {
            Directory.Delete(ClusterDirectory, recursive: true);
            throw StartFailure("initdb failed", logOffset);
        }
    }

    private string LoadOrCreatePassword()
    {
        if (File.Exists(PasswordFile))
        {
            return File.ReadAllText(PasswordFile).Trim();
        }

        if (File.Exists(Path.Combine(ClusterDirectory, "PG_VERSION")))
        {
            throw new ResourceStartException(
                $"{Name}: {PasswordFile} is missing but the cluster in {ClusterDirectory} exists; delete {DataDirectory} to start afresh");
        }

        // Letters and digits only: the password goes into connection strings unescaped.
        var generated = RandomNumberGenerator.GetString("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 32);
        Directory.CreateDirectory(DataDirectory);
        Unix.WritePrivateFile(PasswordFile, generated + "\n");
        return generated;
    }
}
