using System.Diagnostics;

namespace CustomerBase.Hosting.Servers;

/// <summary>Runs the servers' command-line tools (initdb, pg_ctl, rabbitmqctl, ...).</summary>
internal static class ToolRunner
{
    /// <summary>Debian's location; root's PATH may lack /usr/sbin when started from an IDE.</summary>
    public const string RunUser = "/usr/sbin/runuser";

    /// <summary>
    /// Runs a tool to completion and returns its exit code. Its stdout and stderr are appended to
    /// <paramref name="logFile"/>, never to our console. /bin/sh opens the log and execs the tool, so a daemon the
    /// tool forks inherits the file instead of a pipe that we would otherwise wait on until the daemon exits.
    /// </summary>
    /// <param name="environment">Variables to set; a null value removes an inherited variable.</param>
    /// <param name="runAs">Run as this user through runuser (only when we are root).</param>
    public static async Task<int> RunAsync(
        string logFile,
        string fileName,
        IEnumerable<string> arguments,
        CancellationToken ct,
        IReadOnlyDictionary<string, string?>? environment = null,
        string workingDirectory = "/",
        string? runAs = null)
    {
        List<string> argv = runAs is null ? [fileName, .. arguments] : [RunUser, "-u", runAs, "--", fileName, .. arguments];
        await ServerLog.AppendAsync(logFile, "$ " + string.Join(' ', argv), ct);

        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, WorkingDirectory = workingDirectory };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("exec \"$@\" </dev/null >>\"$0\" 2>&1");
        start.ArgumentList.Add(logFile);
        foreach (var arg in argv)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        using var process = Process.Start(start)!;
        try
        {
            await process.WaitForExitAsync(ct);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        if (process.ExitCode != 0)
        {
            await ServerLog.AppendAsync(logFile, $"exit code {process.ExitCode}: {argv[0]}", CancellationToken.None);
        }

        return process.ExitCode;
    }
}
