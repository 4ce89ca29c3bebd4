namespace CustomerBase.Dashboard.Telemetry;

/// <summary>The most recent structured log records, at most <paramref name="capacity"/> (the oldest are dropped first).</summary>
public sealed class LogStore(int capacity)
{
    private static readonly string[] Levels = ["Trace", "Debug", "Information", "Warning", "Error", "Critical"];
    private readonly Queue<TelemetryLog> _logs = new();
    private readonly Lock _gate = new();
    private long _sequence;

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _logs.Count;
            }
        }
    }

    public void Add(IEnumerable<TelemetryLog> logs)
    {
        lock (_gate)
        {
            foreach (var log in logs)
            {
                if (_logs.Count == capacity)
                {
                    _logs.Dequeue();
                }
                _logs.Enqueue(log with { Sequence = ++_sequence });
            }
        }
    }

    /// <summary>
    /// The newest <paramref name="limit"/> records matching every filter given, oldest first: from a resource, at
    /// <paramref name="minimumLevel"/> or above, of one trace, containing <paramref name="search"/>.
    /// </summary>
    public IReadOnlyList<TelemetryLog> Query(string? resource = null, string? minimumLevel = null, string? traceId = null,
        string? search = null, int limit = 500)
    {
        var minimum = minimumLevel is null ? 0 : Math.Max(0, Array.IndexOf(Levels, minimumLevel));
        lock (_gate)
        {
            return _logs.Reverse()
                .Where(l => resource is null || l.Resource == resource)
                .Where(l => Array.IndexOf(Levels, l.Level) >= minimum || (minimum == 0 && l.Level == "Unspecified"))
                .Where(l => traceId is null || string.Equals(l.TraceId, traceId, StringComparison.OrdinalIgnoreCase))
                .Where(l => string.IsNullOrEmpty(search)
                    || l.Message.Contains(search, StringComparison.OrdinalIgnoreCase)
                    || l.Category.Contains(search, StringComparison.OrdinalIgnoreCase))
                .Take(limit)
                .Reverse()
                .ToList();
        }
    }
}
