using CustomerBase.Dashboard.Telemetry;

namespace CustomerBase.UnitTests.Dashboard;

/// <summary>The dashboard's bounded in-memory stores: what they keep, drop and derive.</summary>
public sealed class TelemetryStoreTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly Dictionary<string, string> None = new();

    private static TelemetrySpan Span(string trace, string id, string? parent, string resource, int startMs, double durationMs, bool error = false) =>
        new(resource, "scope", trace, id, parent, "span " + id, "internal", T0.AddMilliseconds(startMs), durationMs, error, null, None);

    [Fact]
    public void A_trace_summary_names_its_root_the_services_it_crossed_and_its_whole_duration()
    {
        var spans = new SpanStore(100);
        spans.Add([Span("t1", "b", "a", "contacts", 5, 10), Span("t1", "a", null, "gateway", 0, 20), Span("t1", "c", "b", "segmentation", 40, 10, error: true)]);

        var trace = Assert.Single(spans.Traces());

        Assert.Equal(("t1", "span a", "gateway", 3), (trace.TraceId, trace.Name, trace.Resource, trace.SpanCount));
        Assert.Equal(["contacts", "gateway", "segmentation"], trace.Resources);
        Assert.Equal(50, trace.DurationMs);
        Assert.True(trace.HasError);
        Assert.Equal(["a", "b", "c"], spans.Trace("t1").Select(s => s.SpanId));
    }

    [Fact]
    public void Spans_beyond_the_capacity_push_out_the_oldest_and_a_trace_left_empty_disappears()
    {
        var spans = new SpanStore(3);
        spans.Add([Span("old", "1", null, "contacts", 0, 1), Span("new", "2", null, "contacts", 1, 1)]);
        spans.Add([Span("new", "3", "2", "consent", 2, 1), Span("new", "4", "2", "consent", 3, 1)]);

        Assert.Equal(3, spans.Count);
        Assert.Empty(spans.Trace("old"));
        Assert.Equal(["new"], spans.Traces().Select(t => t.TraceId));
        Assert.Equal(["new"], spans.Traces(resource: "consent").Select(t => t.TraceId));
        Assert.Empty(spans.Traces(resource: "campaigns"));
    }

    [Fact]
    public void Logs_filter_by_resource_minimum_level_trace_and_text_and_keep_only_the_newest()
    {
        var logs = new LogStore(4);
        TelemetryLog Log(string resource, string level, string message, string? trace = null) =>
            new(T0, resource, "Category", level, 0, message, trace, null, None);
        logs.Add([Log("contacts", "Information", "dropped first"), Log("contacts", "Information", "created"), Log("contacts", "Error", "failed", "t1")]);
        logs.Add([Log("consent", "Warning", "withdrawn", "t1"), Log("consent", "Debug", "detail")]);

        Assert.Equal(4, logs.Count);
        Assert.Equal(["created", "failed", "withdrawn", "detail"], logs.Query().Select(l => l.Message));
        Assert.Equal(["created", "failed"], logs.Query(resource: "contacts").Select(l => l.Message));
        Assert.Equal(["failed", "withdrawn"], logs.Query(minimumLevel: "Warning").Select(l => l.Message));
        Assert.Equal(["failed", "withdrawn"], logs.Query(traceId: "T1").Select(l => l.Message));
        Assert.Equal(["withdrawn"], logs.Query(search: "WITH").Select(l => l.Message));
        Assert.Equal(["withdrawn", "detail"], logs.Query(limit: 2).Select(l => l.Message));
    }

    private static MetricData Requests(int secondsAfter, ulong ok, double okSeconds, ulong failed, double failedSeconds, bool delta = false) =>
        new("contacts", MetricStore.RequestDuration, "s", MetricType.Histogram, true, delta, T0.AddSeconds(secondsAfter),
        [
            new MetricPoint(new Dictionary<string, string> { ["http.response.status_code"] = "200" }, 0, ok, okSeconds),
            new MetricPoint(new Dictionary<string, string> { ["http.response.status_code"] = "503" }, 0, failed, failedSeconds),
        ]);

    [Fact]
    public void Key_charts_show_request_and_error_rates_and_mean_latency_between_cumulative_exports()
    {
        var metrics = new MetricStore();
        metrics.Add([Requests(0, ok: 100, okSeconds: 1, failed: 0, failedSeconds: 0)]);
        metrics.Add([Requests(10, ok: 180, okSeconds: 3, failed: 20, failedSeconds: 2)]);

        var charts = metrics.KeyCharts("contacts").ToDictionary(c => c.Title);

        Assert.Equal(10, Assert.Single(charts["requests"].Points).Value, 6); // (200 - 100) / 10 s
        Assert.Equal(2, Assert.Single(charts["server errors"].Points).Value, 6); // 20 / 10 s
        Assert.Equal(40, Assert.Single(charts["mean latency"].Points).Value, 6); // 4 s / 100 requests, in ms
        Assert.Empty(metrics.KeyCharts("consent"));
    }

    [Fact]
    public void Delta_exports_are_added_up_and_a_restarted_service_counting_from_zero_gives_no_negative_rate()
    {
        var deltas = new MetricStore();
        deltas.Add([Requests(0, 10, 1, 0, 0, delta: true)]);
        deltas.Add([Requests(5, 10, 1, 0, 0, delta: true)]);
        Assert.Equal(2, Assert.Single(deltas.KeyCharts("contacts")[0].Points).Value, 6);

        var restarted = new MetricStore();
        restarted.Add([Requests(0, 1000, 1, 0, 0)]);
        restarted.Add([Requests(10, 50, 1, 0, 0)]);
        Assert.Equal(5, Assert.Single(restarted.KeyCharts("contacts")[0].Points).Value, 6);
    }

    [Fact]
    public void Each_metric_keeps_a_bounded_number_of_points()
    {
        var metrics = new MetricStore(pointsPerSeries: 5);
        for (var i = 0; i < 20; i++)
        {
            metrics.Add([new MetricData("contacts", "process.memory", "By", MetricType.Gauge, false, false, T0.AddSeconds(i),
                [new MetricPoint(None, i, 0, 0)])]);
        }

        var chart = metrics.Chart("contacts", "process.memory")!;
        Assert.Equal([15.0, 16, 17, 18, 19], chart.Points.Select(p => p.Value));
    }
}
