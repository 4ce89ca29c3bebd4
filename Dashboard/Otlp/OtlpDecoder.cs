using System.Globalization;
using CustomerBase.Dashboard.Otlp.Proto;
using CustomerBase.Dashboard.Telemetry;
using Google.Protobuf;
using Google.Protobuf.Collections;

namespace CustomerBase.Dashboard.Otlp;

/// <summary>
/// Turns OTLP/HTTP protobuf request bodies (ExportTraceServiceRequest, ExportLogsServiceRequest,
/// ExportMetricsServiceRequest) into the dashboard's records. Throws <see cref="InvalidProtocolBufferException"/> for a
/// body that is not one.
/// </summary>
public static class OtlpDecoder
{
    public const string UnknownResource = "unknown";

    public static IReadOnlyList<TelemetrySpan> DecodeTraces(ReadOnlySpan<byte> body)
    {
        var request = ExportTraceServiceRequest.Parser.ParseFrom(body);
        var spans = new List<TelemetrySpan>();
        foreach (var resourceSpans in request.ResourceSpans)
        {
            var resource = ServiceName(resourceSpans.Resource);
            foreach (var scopeSpans in resourceSpans.ScopeSpans)
            {
                var scope = scopeSpans.Scope?.Name ?? "";
                foreach (var span in scopeSpans.Spans)
                {
                    spans.Add(new TelemetrySpan(
                        resource,
                        scope,
                        Hex(span.TraceId),
                        Hex(span.SpanId),
                        span.ParentSpanId.IsEmpty ? null : Hex(span.ParentSpanId),
                        span.Name,
                        KindName(span.Kind),
                        FromUnixNano(span.StartTimeUnixNano),
                        span.EndTimeUnixNano > span.StartTimeUnixNano ? (span.EndTimeUnixNano - span.StartTimeUnixNano) / 1e6 : 0,
                        span.Status?.Code == Status.Types.StatusCode.Error,
                        span.Status is { Message.Length: > 0 } status ? status.Message : null,
                        Attributes(span.Attributes)));
                }
            }
        }
        return spans;
    }

    public static IReadOnlyList<TelemetryLog> DecodeLogs(ReadOnlySpan<byte> body)
    {
        var request = ExportLogsServiceRequest.Parser.ParseFrom(body);
        var logs = new List<TelemetryLog>();
        foreach (var resourceLogs in request.ResourceLogs)
        {
            var resource = ServiceName(resourceLogs.Resource);
            foreach (var scopeLogs in resourceLogs.ScopeLogs)
            {
                var category = scopeLogs.Scope?.Name ?? "";
                foreach (var record in scopeLogs.LogRecords)
                {
                    var time = record.TimeUnixNano != 0 ? record.TimeUnixNano : record.ObservedTimeUnixNano;
                    logs.Add(new TelemetryLog(
                        FromUnixNano(time),
                        resource,
                        category,
                        LevelName(record.SeverityNumber, record.SeverityText),
                        record.SeverityNumber,
                        record.Body is null ? "" : Text(record.Body),
                        record.TraceId.IsEmpty ? null : Hex(record.TraceId),
                        record.SpanId.IsEmpty ? null : Hex(record.SpanId),
                        Attributes(record.Attributes)));
                }
            }
        }
        return logs;
    }

    public static IReadOnlyList<MetricData> DecodeMetrics(ReadOnlySpan<byte> body)
    {
        var request = ExportMetricsServiceRequest.Parser.ParseFrom(body);
        var metrics = new List<MetricData>();
        foreach (var resourceMetrics in request.ResourceMetrics)
        {
            var resource = ServiceName(resourceMetrics.Resource);
            foreach (var scopeMetrics in resourceMetrics.ScopeMetrics)
            {
                foreach (var metric in scopeMetrics.Metrics)
                {
                    if (Decode(resource, metric) is { } data)
                    {
                        metrics.Add(data);
                    }
                }
            }
        }
        return metrics;
    }

    private static MetricData? Decode(string resource, Metric metric)
    {
        switch (metric.DataCase)
        {
            case Metric.DataOneofCase.Gauge:
                return Numbers(MetricType.Gauge, isMonotonic: false, isDelta: false, metric.Gauge.DataPoints);
            case Metric.DataOneofCase.Sum:
                return Numbers(MetricType.Sum, metric.Sum.IsMonotonic,
                    metric.Sum.AggregationTemporality == AggregationTemporality.Delta, metric.Sum.DataPoints);
            case Metric.DataOneofCase.Histogram:
                var points = metric.Histogram.DataPoints;
                return points.Count == 0 ? null : new MetricData(resource, metric.Name, metric.Unit, MetricType.Histogram, true,
                    metric.Histogram.AggregationTemporality == AggregationTemporality.Delta,
                    FromUnixNano(points.Max(p => p.TimeUnixNano)),
                    points.Select(p => new MetricPoint(Attributes(p.Attributes), 0, p.Count, p.HasSum ? p.Sum : 0)).ToList());
            default:
                return null; // exponential histograms and summaries: not shown
        }

        MetricData? Numbers(MetricType type, bool isMonotonic, bool isDelta, RepeatedField<NumberDataPoint> points) =>
            points.Count == 0 ? null : new MetricData(resource, metric.Name, metric.Unit, type, isMonotonic, isDelta,
                FromUnixNano(points.Max(p => p.TimeUnixNano)),
                points.Select(p => new MetricPoint(Attributes(p.Attributes),
                    p.ValueCase == NumberDataPoint.ValueOneofCase.AsInt ? p.AsInt : p.AsDouble, 0, 0)).ToList());
    }

    private static string ServiceName(Resource? resource) =>
        resource?.Attributes.FirstOrDefault(a => a.Key == "service.name")?.Value is { } name ? Text(name) : UnknownResource;

    private static Dictionary<string, string> Attributes(RepeatedField<KeyValue> attributes)
    {
        var result = new Dictionary<string, string>(attributes.Count);
        foreach (var attribute in attributes)
        {
            result[attribute.Key] = attribute.Value is null ? "" : Text(attribute.Value);
        }
        return result;
    }

    /// <summary>An attribute or body value as text, as a developer would read it.</summary>
    public static string Text(AnyValue value) => value.ValueCase switch
    {
        AnyValue.ValueOneofCase.StringValue => value.StringValue,
        AnyValue.ValueOneofCase.BoolValue => value.BoolValue ? "true" : "false",
        AnyValue.ValueOneofCase.IntValue => value.IntValue.ToString(CultureInfo.InvariantCulture),
        AnyValue.ValueOneofCase.DoubleValue => value.DoubleValue.ToString(CultureInfo.InvariantCulture),
        AnyValue.ValueOneofCase.ArrayValue => "[" + string.Join(", ", value.ArrayValue.Values.Select(Text)) + "]",
        AnyValue.ValueOneofCase.KvlistValue => "{" + string.Join(", ", value.KvlistValue.Values.Select(kv => $"{kv.Key}: {(kv.Value is null ? "" : Text(kv.Value))}")) + "}",
        AnyValue.ValueOneofCase.BytesValue => Convert.ToBase64String(value.BytesValue.Span),
        _ => "",
    };

    /// <summary>The level names of Microsoft.Extensions.Logging, from the OTLP severity number (text if there is no number).</summary>
    public static string LevelName(int severityNumber, string severityText) => severityNumber switch
    {
        >= 1 and <= 4 => "Trace",
        >= 5 and <= 8 => "Debug",
        >= 9 and <= 12 => "Information",
        >= 13 and <= 16 => "Warning",
        >= 17 and <= 20 => "Error",
        >= 21 and <= 24 => "Critical",
        _ => severityText.Length > 0 ? severityText : "Unspecified",
    };

    private static string KindName(Span.Types.SpanKind kind) => kind switch
    {
        Span.Types.SpanKind.Server => "server",
        Span.Types.SpanKind.Client => "client",
        Span.Types.SpanKind.Producer => "producer",
        Span.Types.SpanKind.Consumer => "consumer",
        _ => "internal",
    };

    private static string Hex(ByteString bytes) => Convert.ToHexStringLower(bytes.Span);

    private static DateTimeOffset FromUnixNano(ulong nanoseconds) =>
        DateTimeOffset.UnixEpoch.AddTicks((long)(nanoseconds / 100));
}
