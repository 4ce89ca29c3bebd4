namespace CustomerBase.Hosting;

/// <summary>One line a resource wrote to its console (stdout/stderr, or its server log), numbered in arrival order.</summary>
public sealed record ConsoleLine(long Sequence, DateTimeOffset Time, string Text, bool IsError);

/// <summary>
/// The most recent console lines of one resource, bounded (the oldest are dropped first), for the dashboard. The full
/// output stays in the resource's log file; this is only what a developer watching live needs.
/// </summary>
public sealed class ConsoleLog(int capacity = 2000)
{
    private readonly Queue<ConsoleLine> _lines = new(capacity);
    private readonly Lock _gate = new();
    private long _sequence;

    /// <summary>Raised after each line is added, on the writer's thread: handlers must be quick and must not throw.</summary>
    public event Action<ConsoleLine>? LineAdded;

    public int Capacity { get; } = capacity;

    public void Add(string text, bool isError = false)
    {
        ConsoleLine line;
        lock (_gate)
        {
            line = new ConsoleLine(++_sequence, DateTimeOffset.UtcNow, text, isError);
            if (_lines.Count == Capacity)
            {
                _lines.Dequeue();
            }
            _lines.Enqueue(line);
        }
        LineAdded?.Invoke(line);
    }

    /// <summary>The kept lines numbered after <paramref name="afterSequence"/>, oldest first.</summary>
    public IReadOnlyList<ConsoleLine> Since(long afterSequence)
    {
        lock (_gate)
        {
            return _lines.Where(l => l.Sequence > afterSequence).ToList();
        }
    }
}
