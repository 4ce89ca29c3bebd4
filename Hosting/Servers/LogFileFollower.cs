using System.Text;

namespace CustomerBase.Hosting.Servers;

/// <summary>
/// Feeds the lines appended to a server's log file into its <see cref="ConsoleLog"/>. The servers run as daemons
/// that write to their file, not to a pipe of ours, so following the file is how their console is seen.
/// </summary>
internal sealed class LogFileFollower(string path, ConsoleLog target) : IAsyncDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;

    /// <summary>Starts following from <paramref name="offset"/> (lines written before it are not shown); once only.</summary>
    public void Start(long offset) => _loop ??= FollowAsync(offset, _stop.Token);

    private async Task FollowAsync(long offset, CancellationToken ct)
    {
        var partial = new StringBuilder();
        var buffer = new byte[64 * 1024];
        var chars = new char[Encoding.UTF8.GetMaxCharCount(buffer.Length)];
        var decoder = Encoding.UTF8.GetDecoder(); // keeps a character split across two reads
        while (!ct.IsCancellationRequested)
        {
            try
            {
                if (File.Exists(path))
                {
                    await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                    if (stream.Length < offset)
                    {
                        offset = 0; // truncated or replaced
                    }
                    stream.Seek(offset, SeekOrigin.Begin);
                    int read;
                    while ((read = await stream.ReadAsync(buffer, ct)) > 0)
                    {
                        offset += read;
                        partial.Append(chars, 0, decoder.GetChars(buffer, 0, read, chars, 0));
                        EmitCompleteLines(partial);
                    }
                }
                await Task.Delay(Interval, ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (IOException)
            {
                await Task.Delay(Interval, CancellationToken.None);
            }
        }
    }

    private void EmitCompleteLines(StringBuilder partial)
    {
        var text = partial.ToString();
        var end = text.LastIndexOf('\n');
        if (end < 0)
        {
            return;
        }
        foreach (var line in text[..end].Split('\n'))
        {
            target.Add(line.TrimEnd('\r'));
        }
        partial.Remove(0, end + 1);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null)
        {
            await _loop;
        }
        _stop.Dispose();
    }
}
