using System.Globalization;

namespace CustomerBase.Dashboard.Telemetry;

public sealed record ChartPoint(DateTimeOffset Time, double Value);

/// <summary>A series ready to draw: for counters and histograms a rate per second, for gauges the value itself.</summary>
public sealed record ChartSeries(string Title, string Unit, IReadOnlyList<ChartPoint> Points);

public sealed record MetricInfo(string Name, string Unit, MetricType Type);

/// <summary>
/// Recent samples of every metric of every service, at most <paramref name="pointsPerSeries"/> per metric (the oldest
/// dropped first) and at most <paramref name="maxSeries"/> metrics in all. Each export is kept as totals over its
/// attribute sets (delta exports are added up), so that charts show rates between consecutive exports.
/// </summary>
public sealed class MetricStore(int pointsPerSeries = 180, int maxSeries = 2000)
{
    public const string RequestDuration = "http.server.request.duration";
    public const string MessagesConsumed = "messaging.masstransit.consume";
    public const string QueueDepth = "rabbitmq.queue.messages";

    private readonly Dictionary<(string Resource, string Name), Series> _series = new();
    private readonly Lock _gate = new();

    private sealed class Series(MetricInfo info, bool isMonotonic)
    {
        public MetricInfo Info { get; } = info;
        public bool IsMonotonic { get; } = isMonotonic;
        public Queue<Sample> Samples { get; } = new();
        public Sample Running { get; set; }
    }

    /// <summary>Totals at one moment: <see cref="Total"/> is the value sum (or histogram count), <see cref="Errors"/> counts failed requests.</summary>
    private readonly record struct Sample(DateTimeOffset Time, double Total, double Sum, double Errors);

    public void Add(IEnumerable<MetricData> metrics)
    {
        lock (_gate)
        {
            foreach (var metric in metrics)
            {
                var key = (metric.Resource, metric.Name);
                if (!_series.TryGetValue(key, out var series))
                {
                    if (_series.Count >= maxSeries)
                    {
                        continue;
                    }
                    _series[key] = series = new Series(new MetricInfo(metric.Name, metric.Unit, metric.Type), metric.IsMonotonic);
                }
                var sample = Totals(metric);
                if (metric.IsDelta)
                {
                    var running = series.Running;
                    sample = new Sample(sample.Time, running.Total + sample.Total, running.Sum + sample.Sum, running.Errors + sample.Errors);
                    series.Running = sample;
                }
                if (series.Samples.Count == pointsPerSeries)
                {
                    series.Samples.Dequeue();
                }
                series.Samples.Enqueue(sample);
            }
        }
    }

    private static Sample Totals(MetricData metric)
    {
        if (metric.Type != MetricType.Histogram)
        {
            return new Sample(metric.Time, metric.Points.Sum(p => p.Value), 0, 0);
        }
        var errors = metric.Points.Where(IsServerError).Sum(p => (double)p.Count);
        return new Sample(metric.Time, metric.Points.Sum(p => (double)p.Count), metric.Points.Sum(p => p.Sum), errors);
    }

    private static bool IsServerError(MetricPoint point) =>
        point.Attributes.TryGetValue("http.response.status_code", out var code)
        && int.TryParse(code, NumberStyles.Integer, CultureInfo.InvariantCulture, out var status) && status >= 500;

    public IReadOnlyList<MetricInfo> Metrics(string resource)
    {
        lock (_gate)
        {
            return _series.Where(s => s.Key.Resource == resource).Select(s => s.Value.Info).OrderBy(m => m.Name).ToList();
        }
    }

    /// <summary>One metric as a chart: a rate per second for counters and histograms (their count), else the value.</summary>
    public ChartSeries? Chart(string resource, string name)
    {
        lock (_gate)
        {
            if (!_series.TryGetValue((resource, name), out var series))
            {
                return null;
            }
            var info = series.Info;
            return info.Type == MetricType.Histogram || series.IsMonotonic
                ? new ChartSeries(name, "/s", Rates(series, s => s.Total))
                : new ChartSeries(name, info.Unit, series.Samples.Select(s => new ChartPoint(s.Time, s.Total)).ToList());
        }
    }

    /// <summary>What a developer looks at first: request rate, server errors, mean latency, messages consumed; only those a service reports.</summary>
    public IReadOnlyList<ChartSeries> KeyCharts(string resource)
    {
        var charts = new List<ChartSeries>();
        lock (_gate)
        {
            if (_series.TryGetValue((resource, RequestDuration), out var requests))
            {
                charts.Add(new ChartSeries("requests", "/s", Rates(requests, s => s.Total)));
                charts.Add(new ChartSeries("server errors", "/s", Rates(requests, s => s.Errors)));
                charts.Add(new ChartSeries("mean latency", "ms", MeanLatencies(requests)));
            }
            if (_series.TryGetValue((resource, MessagesConsumed), out var consumed))
            {
                charts.Add(new ChartSeries("messages consumed", "/s", Rates(consumed, s => s.Total)));
            }
            if (_series.TryGetValue((resource, QueueDepth), out var depth))
            {
                charts.Add(new ChartSeries("queued messages", "", depth.Samples.Select(s => new ChartPoint(s.Time, s.Total)).ToList()));
            }
        }
        return charts;
    }

    private static List<ChartPoint> Rates(Series series, Func<Sample, double> total) =>
        Pairs(series).Select(p =>
        {
            var seconds = (p.Current.Time - p.Previous.Time).TotalSeconds;
            var delta = total(p.Current) - total(p.Previous);
            // A restarted service starts counting from zero again.
            return new ChartPoint(p.Current.Time, delta < 0 ? total(p.Current) / seconds : delta / seconds);
        }).ToList();

    private static List<ChartPoint> MeanLatencies(Series series)
    {
        // Durations are in seconds (the OpenTelemetry convention), shown in milliseconds.
        var scale = series.Info.Unit == "ms" ? 1 : 1000;
        return Pairs(series).Select(p =>
        {
            var count = p.Current.Total - p.Previous.Total;
            return new ChartPoint(p.Current.Time, count > 0 ? (p.Current.Sum - p.Previous.Sum) / count * scale : 0);
        }).ToList();
    }

    private static IEnumerable<(Sample Previous, Sample Current)> Pairs(Series series) =>
        series.Samples.Zip(series.Samples.Skip(1)).Where(p => p.Second.Time > p.First.Time);
}
