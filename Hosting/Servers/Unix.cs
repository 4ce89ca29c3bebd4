using System.Diagnostics;

namespace CustomerBase.Hosting.Servers;

/// <summary>Small Linux helpers: pid files, /proc, signals, ownership. Pure BCL plus /bin/sh and chown.</summary>
internal static class Unix
{
    public static bool IsRoot => Environment.IsPrivilegedProcess;

    /// <summary>Reads the pid on the first line of a pid file, or null when there is none.</summary>
    public static int? ReadPidFile(string path)
    {
        try
        {
            using var reader = new StreamReader(path);
            return int.TryParse(reader.ReadLine()?.Trim(), out var pid) && pid > 0 ? pid : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>
    /// True when the process exists, is not a zombie and (if given) has the expected command name.
    /// Zombies count as dead: daemons are re-parented to PID 1, which in containers may reap them seconds late,
    /// and kill -0 would still report them alive.
    /// </summary>
    public static bool IsAlive(int pid, string? expectedName = null)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return false;
        }

        // Format: "pid (comm) S ..."; comm may itself contain spaces or parentheses.
        var open = stat.IndexOf('(');
        var close = stat.LastIndexOf(')');
        if (open < 0 || close < open || close + 2 >= stat.Length || stat[close + 2] is 'Z' or 'X')
        {
            return false;
        }

        return expectedName is null || stat[(open + 1)..close] == expectedName;
    }

    /// <summary>The process's command line with arguments separated by spaces ("" when gone).</summary>
    public static string CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
        }
        catch (IOException)
        {
            return "";
        }
    }

    /// <summary>Live processes with the given command name whose command line contains <paramref name="marker"/>.</summary>
    public static IEnumerable<int> FindProcesses(string name, string marker)
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), out var pid) && IsAlive(pid, name) && CommandLine(pid).Contains(marker, StringComparison.Ordinal))
            {
                yield return pid;
            }
        }
    }

    /// <summary>Live processes whose parent is <paramref name="parentPid"/>.</summary>
    public static IEnumerable<int> ChildrenOf(int parentPid)
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid) || !IsAlive(pid))
            {
                continue;
            }

            string stat;
            try
            {
                stat = File.ReadAllText($"/proc/{pid}/stat");
            }
            catch (IOException)
            {
                continue;
            }

            // After "(comm) ": state, then the parent pid.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            if (fields.Length > 1 && fields[1] == parentPid.ToString())
            {
                yield return pid;
            }
        }
    }

    /// <summary>Polls until the process is gone; false when it is still alive after <paramref name="timeout"/>.</summary>
    public static async Task<bool> WaitForExitAsync(int pid, TimeSpan timeout, CancellationToken ct)
    {
        var deadline = Stopwatch.StartNew();
        while (IsAlive(pid))
        {
            if (deadline.Elapsed >= timeout)
            {
                return false;
            }

            await Task.Delay(50, ct);
        }

        return true;
    }

    /// <summary>Sends a signal by name (TERM, KILL, ...); the BCL only offers SIGKILL and only for Process objects.</summary>
    public static async Task SignalAsync(int pid, string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("/bin/sh", ["-c", "kill -s \"$0\" \"$1\" 2>/dev/null", signal, pid.ToString()])
        {
            UseShellExecute = false,
        })!;
        await kill.WaitForExitAsync();
    }

    /// <summary>Stops a process: SIGTERM, then SIGKILL if it is still there after <paramref name="grace"/>.</summary>
    public static async Task TerminateAsync(int pid, TimeSpan grace, CancellationToken ct)
    {
        await SignalAsync(pid, "TERM");
        if (!await WaitForExitAsync(pid, grace, ct))
        {
            await SignalAsync(pid, "KILL");
            await WaitForExitAsync(pid, TimeSpan.FromSeconds(5), ct);
        }
    }

    /// <summary>chown; there is no BCL API for it.</summary>
    public static async Task ChownAsync(string owner, string path, CancellationToken ct)
    {
        using var chown = Process.Start(new ProcessStartInfo("chown", [owner, path]) { UseShellExecute = false, RedirectStandardError = true })!;
        var error = await chown.StandardError.ReadToEndAsync(ct);
        await chown.WaitForExitAsync(ct);
        if (chown.ExitCode != 0)
        {
            throw new IOException($"chown {owner} {path} failed: {error.Trim()}");
        }
    }

    /// <summary>
    /// Makes the folder and every folder above it enterable by other users (o+x, not o+r), so a server that
    /// runs under its own account (postgres) can reach its data; e.g. temp folders are created with 0700.
    /// </summary>
    public static void AllowOthersToEnter(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        for (var dir = new DirectoryInfo(directory); dir is not null; dir = dir.Parent)
        {
            var mode = dir.UnixFileMode;
            if (!mode.HasFlag(UnixFileMode.OtherExecute))
            {
                dir.UnixFileMode = mode | UnixFileMode.OtherExecute;
            }
        }
    }

    /// <summary>Writes a file that only its owner may read (passwords, Erlang cookie), atomically.</summary>
    public static void WritePrivateFile(string path, string content, bool readOnly = false)
    {
        if (OperatingSystem.IsWindows())
        {
            File.WriteAllText(path, content);
            return;
        }

        var temp = path + ".tmp";
        File.Delete(temp);
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        };
        using (var writer = new StreamWriter(temp, System.Text.Encoding.ASCII, options))
        {
            writer.Write(content);
        }

        if (readOnly)
        {
            File.SetUnixFileMode(temp, UnixFileMode.UserRead);
        }

        File.Move(temp, path, overwrite: true);
    }

    /// <summary>Quotes one word for /bin/sh.</summary>
    public static string ShellQuote(string word) => "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
