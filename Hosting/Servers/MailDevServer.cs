namespace CustomerBase.Hosting.Servers;

/// <summary>
/// MailDev (npm <c>maildev</c>, installed into <c>tools/maildev</c> by scripts/install-prerequisites.sh): the SMTP
/// server local runs and tests send e-mail to, with a web UI and a REST API (<c>GET /api/email</c>) to read what arrived.
/// Mail is kept in memory only; both ports listen on 127.0.0.1.
/// </summary>
public sealed class MailDevServer(string dataDirectory, int smtpPort, int webPort, string installDirectory)
    : LocalServer("maildev", dataDirectory, "maildev.log")
{
    private const string InstallHint = "run scripts/install-prerequisites.sh (npm install in tools/maildev)";

    public int SmtpPort { get; } = smtpPort;
    public int WebPort { get; } = webPort;

    public string NodePath { get; init; } = "/usr/bin/node";
    public string ScriptPath { get; } = Path.Combine(installDirectory, "node_modules", "maildev", "dist", "bin", "maildev.js");

    /// <summary>The web UI, and the REST API under it (<c>api/email</c>: every message received, with headers and text).</summary>
    public Uri WebUrl => new($"http://127.0.0.1:{WebPort}/");

    public override IReadOnlyList<string> Urls => [$"smtp://127.0.0.1:{SmtpPort}", WebUrl.ToString()];

    /// <summary>What a service needs to send here (section <c>Smtp</c>).</summary>
    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string>
    {
        ["Smtp__Host"] = "127.0.0.1",
        ["Smtp__Port"] = SmtpPort.ToString(),
    };

    private string PidFile => Path.Combine(DataDirectory, "maildev.pid");

    protected override async Task<int> StartCoreAsync(CancellationToken ct)
    {
        RequireFile(ScriptPath, InstallHint);
        var node = File.Exists(NodePath) ? NodePath : "node";
        await StopCoreAsync(ct); // a copy left running by a killed AppHost
        PortAllocator.EnsureFree(SmtpPort, Name);
        PortAllocator.EnsureFree(WebPort, Name);

        var logOffset = ServerLog.Length(LogFile);
        // MailDev does not daemonize: the shell starts it in the background, writes its pid and returns.
        var command = $"{Unix.ShellQuote(node)} {Unix.ShellQuote(ScriptPath)} --smtp {SmtpPort} --ip 127.0.0.1 --web {WebPort} --web-ip 127.0.0.1 --mail-directory {Unix.ShellQuote(Path.Combine(DataDirectory, "mail"))} & echo $! > {Unix.ShellQuote(PidFile)}";
        if (await RunToolAsync("/bin/sh", ["-c", command], ct) != 0)
        {
            throw StartFailure("maildev failed to start", logOffset);
        }
        var pid = Unix.ReadPidFile(PidFile) ?? throw StartFailure($"{PidFile} missing after start", logOffset);
        await WaitUntilReadyAsync(ProbeAsync, TimeSpan.FromMilliseconds(100), ct,
            () => Unix.IsAlive(pid) ? null : "exited during start-up", logOffset);
        return pid;
    }

    protected override async Task StopCoreAsync(CancellationToken ct)
    {
        if (Unix.ReadPidFile(PidFile) is not int pid)
        {
            return;
        }
        // Node may name its process after the script: recognise MailDev by its command line, never kill a stranger.
        if (Unix.IsAlive(pid) && Unix.CommandLine(pid).Contains("maildev", StringComparison.Ordinal))
        {
            await Unix.TerminateAsync(pid, StopTimeout, ct);
        }
        File.Delete(PidFile);
    }

    protected override async Task<bool> ProbeAsync(CancellationToken ct) =>
        await Probes.CanConnectAsync(SmtpPort, ct) && await Probes.CanConnectAsync(WebPort, ct);
}
