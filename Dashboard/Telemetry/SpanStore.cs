namespace CustomerBase.Dashboard.Telemetry;

/// <summary>A trace in a list: its root (or earliest) span and what it touched.</summary>
public sealed record TraceSummary(
    string TraceId,
    string Name,
    string Resource,
    DateTimeOffset Start,
    double DurationMs,
    int SpanCount,
    IReadOnlyList<string> Resources,
    bool HasError);

/// <summary>The most recent spans, at most <paramref name="capacity"/> (the oldest are dropped first), grouped by trace.</summary>
public sealed class SpanStore(int capacity)
{
    private readonly Queue<TelemetrySpan> _arrival = new();
    private readonly Dictionary<string, List<TelemetrySpan>> _byTrace = new();
    private readonly Lock _gate = new();

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _arrival.Count;
            }
        }
    }

    public void Add(IEnumerable<TelemetrySpan> spans)
    {
        lock (_gate)
        {
            foreach (var span in spans)
            {
                if (_arrival.Count == capacity)
                {
                    Forget(_arrival.Dequeue());
                }
                _arrival.Enqueue(span);
                if (!_byTrace.TryGetValue(span.TraceId, out var trace))
                {
                    _byTrace[span.TraceId] = trace = [];
                }
                trace.Add(span);
            }
        }
    }

    private void Forget(TelemetrySpan span)
    {
        var trace = _byTrace[span.TraceId];
        trace.Remove(span);
        if (trace.Count == 0)
        {
            _byTrace.Remove(span.TraceId);
        }
    }

    /// <summary>The newest traces first; <paramref name="resource"/> keeps traces that touched it, <paramref name="search"/> matches ids and span names.</summary>
    public IReadOnlyList<TraceSummary> Traces(string? resource = null, string? search = null, int limit = 100)
    {
        lock (_gate)
        {
            // Walk back from the latest span and summarise only the traces shown: the page asks every 2 s, and
            // summarising every kept trace each time would hold up ingestion for a long list.
            var seen = new HashSet<string>();
            var traces = new List<TraceSummary>();
            foreach (var latest in _arrival.Reverse())
            {
                if (traces.Count == limit)
                {
                    break;
                }
                if (!seen.Add(latest.TraceId))
                {
                    continue;
                }
                var spans = _byTrace[latest.TraceId];
                if ((resource is null || spans.Any(s => s.Resource == resource))
                    && (string.IsNullOrEmpty(search)
                        || latest.TraceId.Contains(search, StringComparison.OrdinalIgnoreCase)
                        || spans.Any(s => s.Name.Contains(search, StringComparison.OrdinalIgnoreCase))))
                {
                    traces.Add(Summarise(spans));
                }
            }
            return traces.OrderByDescending(t => t.Start).ToList();
        }
    }

    /// <summary>Every kept span of one trace, earliest first; empty when none is kept.</summary>
    public IReadOnlyList<TelemetrySpan> Trace(string traceId)
    {
        lock (_gate)
        {
            return _byTrace.TryGetValue(traceId.ToLowerInvariant(), out var spans) ? spans.OrderBy(s => s.Start).ToList() : [];
        }
    }

    private static TraceSummary Summarise(List<TelemetrySpan> spans)
    {
        var ids = spans.Select(s => s.SpanId).ToHashSet();
        var root = spans.Where(s => s.ParentSpanId is null || !ids.Contains(s.ParentSpanId)).MinBy(s => s.Start) ?? spans[0];
        var start = spans.Min(s => s.Start);
        var end = spans.Max(s => s.Start.AddTicks((long)(s.DurationMs * TimeSpan.TicksPerMillisecond)));
        return new TraceSummary(root.TraceId, root.Name, root.Resource, start, (end - start).TotalMilliseconds, spans.Count,
            spans.Select(s => s.Resource).Distinct().Order().ToList(), spans.Any(s => s.IsError));
    }
}
