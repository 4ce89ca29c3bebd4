namespace CustomerBase.Dashboard.Telemetry;

/// <summary>One finished span as a service exported it; <see cref="Resource"/> is the exporting service's <c>service.name</c>.</summary>
public sealed record TelemetrySpan(
    string Resource,
    string Scope,
    string TraceId,
    string SpanId,
    string? ParentSpanId,
    string Name,
    string Kind,
    DateTimeOffset Start,
    double DurationMs,
    bool IsError,
    string? StatusMessage,
    IReadOnlyDictionary<string, string> Attributes)
{
    /// <summary>"bus" for RabbitMQ/outbox messaging, "db" for database calls, "http" for HTTP and gRPC, else "internal".</summary>
    public string Category =>
        Attributes.ContainsKey("messaging.system") || Kind is "producer" or "consumer" ? "bus"
        : Attributes.ContainsKey("db.system") || Attributes.ContainsKey("db.system.name") ? "db"
        : Kind is "server" or "client" ? "http"
        : "internal";
}

/// <summary>One structured log record; <see cref="Category"/> is the logger's category (the OTLP scope name).</summary>
public sealed record TelemetryLog(
    DateTimeOffset Time,
    string Resource,
    string Category,
    string Level,
    int SeverityNumber,
    string Message,
    string? TraceId,
    string? SpanId,
    IReadOnlyDictionary<string, string> Attributes)
{
    public long Sequence { get; init; }
}

public enum MetricType
{
    Gauge,
    Sum,
    Histogram,
}

/// <summary>One data point (one attribute set) of a metric: a number, or a histogram's count and sum.</summary>
public sealed record MetricPoint(IReadOnlyDictionary<string, string> Attributes, double Value, ulong Count, double Sum);

/// <summary>A metric as received in one export: every attribute set's point at one moment.</summary>
public sealed record MetricData(
    string Resource,
    string Name,
    string Unit,
    MetricType Type,
    bool IsMonotonic,
    bool IsDelta,
    DateTimeOffset Time,
    IReadOnlyList<MetricPoint> Points);
