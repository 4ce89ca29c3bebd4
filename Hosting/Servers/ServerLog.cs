using System.Text;
using System.Text.RegularExpressions;

namespace CustomerBase.Hosting.Servers;

/// <summary>Reading and writing a server's log file: our own notes go in next to the server's output.</summary>
internal static partial class ServerLog
{
    private const string OurPrefix = "[hosting ";

    public static async Task AppendAsync(string logFile, string line, CancellationToken ct)
    {
        await File.AppendAllTextAsync(logFile, $"{OurPrefix}{DateTimeOffset.Now:yyyy-MM-dd HH:mm:ss.fff}] {line}\n", ct);
    }

    /// <summary>Current size, to read only what was written after a given moment.</summary>
    public static long Length(string logFile) => File.Exists(logFile) ? new FileInfo(logFile).Length : 0;

    /// <summary>Text written since <paramref name="offset"/>, at most the last 64 KiB of it.</summary>
    public static string ReadFrom(string logFile, long offset)
    {
        try
        {
            using var stream = new FileStream(logFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var start = Math.Max(offset, stream.Length - 64 * 1024);
            if (start >= stream.Length)
            {
                return "";
            }

            stream.Seek(start, SeekOrigin.Begin);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            return reader.ReadToEnd();
        }
        catch (IOException)
        {
            return "";
        }
    }

    /// <summary>
    /// The line most likely to explain a failure: the last line (after <paramref name="offset"/>) that
    /// mentions an error, else the last non-empty line. Our own "[hosting ...]" notes are skipped.
    /// </summary>
    public static string? LastRelevantLine(string logFile, long offset = 0)
    {
        var lines = ReadFrom(logFile, offset)
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(line => line.Length > 0 && !line.StartsWith(OurPrefix, StringComparison.Ordinal))
            .ToList();
        // "FATAL: ..." explains more than the tool's closing "could not start server", so severities win.
        var line = lines.LastOrDefault(l => Severity().IsMatch(l))
            ?? lines.LastOrDefault(l => ErrorWords().IsMatch(l))
            ?? lines.LastOrDefault();
        return line is { Length: > 300 } ? line[..300] + "..." : line;
    }

    [GeneratedRegex(@"\b(FATAL|PANIC|ERROR|CRITICAL)\b|\[(error|critical|emergency)\]")]
    private static partial Regex Severity();

    [GeneratedRegex(@"\b(error|fatal|fail(ed|ure)?|panic|could not|cannot|can't|denied|refused|abort(ing|ed)?|not found|no such|invalid|in use)\b", RegexOptions.IgnoreCase)]
    private static partial Regex ErrorWords();
}
