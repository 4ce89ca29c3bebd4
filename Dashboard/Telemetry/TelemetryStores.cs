namespace CustomerBase.Dashboard.Telemetry;

/// <summary>Everything received over OTLP, in memory and bounded.</summary>
public sealed class TelemetryStores(DashboardLimits limits)
{
    public SpanStore Spans { get; } = new(limits.Spans);
    public LogStore Logs { get; } = new(limits.Logs);
    public MetricStore Metrics { get; } = new(limits.MetricPoints);
}

/// <summary>How much the dashboard keeps; with these defaults it stays within some tens of MB.</summary>
public sealed record DashboardLimits(int Spans = 50_000, int Logs = 20_000, int MetricPoints = 180);
