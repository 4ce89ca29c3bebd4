using System.Diagnostics;
using System.Diagnostics.Metrics;
using CustomerBase.Dashboard.Otlp;
using CustomerBase.Dashboard.Telemetry;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using MetricType = CustomerBase.Dashboard.Telemetry.MetricType;

namespace CustomerBase.UnitTests.Dashboard;

/// <summary>The dashboard's OTLP decoding against what the OpenTelemetry .NET exporter (OTLP/HTTP protobuf) really sends.</summary>
public sealed class OtlpDecoderTests : IDisposable
{
    private readonly OtlpCapture _capture = new();
    private readonly string _sourceName = "test-" + Guid.NewGuid().ToString("N");

    [Fact]
    public void Spans_keep_ids_parents_kinds_timing_status_attributes_and_the_service_name()
    {
        using var source = new ActivitySource(_sourceName);
        string traceId, serverId, clientId;
        using (var tracing = Sdk.CreateTracerProviderBuilder()
            .SetResourceBuilder(ResourceBuilder.CreateEmpty().AddService("contacts"))
            .AddSource(_sourceName)
            .AddOtlpExporter(o =>
            {
                o.Endpoint = _capture.Signal("v1/traces");
                o.Protocol = OtlpExportProtocol.HttpProtobuf;
                o.ExportProcessorType = ExportProcessorType.Simple;
            })
            .Build())
        {
            using var server = source.StartActivity("POST /api/contacts", ActivityKind.Server)!;
            server.SetTag("http.response.status_code", 201);
            server.SetTag("http.route", "/api/contacts");
            using (var client = source.StartActivity("INSERT contacts", ActivityKind.Client)!)
            {
                client.SetTag("db.system", "postgresql");
                client.SetStatus(ActivityStatusCode.Error, "unique violation");
                Thread.Sleep(2); // a measurable duration
                clientId = client.SpanId.ToHexString();
            }
            traceId = server.TraceId.ToHexString();
            serverId = server.SpanId.ToHexString();
        }

        var spans = _capture.Bodies("/v1/traces").SelectMany(body => OtlpDecoder.DecodeTraces(body)).ToList();

        Assert.Equal(2, spans.Count);
        var server2 = Assert.Single(spans, s => s.SpanId == serverId);
        var client2 = Assert.Single(spans, s => s.SpanId == clientId);
        Assert.All(spans, s => Assert.Equal(traceId, s.TraceId));
        Assert.All(spans, s => Assert.Equal("contacts", s.Resource));
        Assert.All(spans, s => Assert.Equal(_sourceName, s.Scope));
        Assert.Null(server2.ParentSpanId);
        Assert.Equal(serverId, client2.ParentSpanId);
        Assert.Equal(("server", "POST /api/contacts"), (server2.Kind, server2.Name));
        Assert.Equal(("client", "INSERT contacts"), (client2.Kind, client2.Name));
        Assert.Equal("201", server2.Attributes["http.response.status_code"]);
        Assert.Equal("/api/contacts", server2.Attributes["http.route"]);
        Assert.Equal("db", client2.Category);
        Assert.True(client2.IsError);
        Assert.Equal("unique violation", client2.StatusMessage);
        Assert.False(server2.IsError);
        Assert.True(client2.DurationMs >= 1, $"duration {client2.DurationMs} ms");
        Assert.True(server2.DurationMs >= client2.DurationMs);
        Assert.True(client2.Start >= server2.Start);
        Assert.InRange(server2.Start, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow);
        Assert.All(_capture.ContentTypes, type => Assert.Equal("application/x-protobuf", type));
    }

    [Fact]
    public void Log_records_keep_level_category_formatted_message_attributes_and_the_trace_they_were_written_in()
    {
        using var source = new ActivitySource(_sourceName);
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == _sourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        string traceId, spanId;
        using (var logging = LoggerFactory.Create(builder => builder.AddOpenTelemetry(o =>
        {
            o.SetResourceBuilder(ResourceBuilder.CreateEmpty().AddService("segmentation"));
            o.IncludeFormattedMessage = true;
            o.AddOtlpExporter((exporter, processor) =>
            {
                exporter.Endpoint = _capture.Signal("v1/logs");
                exporter.Protocol = OtlpExportProtocol.HttpProtobuf;
                processor.ExportProcessorType = ExportProcessorType.Simple;
            });
        })))
        {
            var logger = logging.CreateLogger("Segmentation.Consumers");
            using var activity = source.StartActivity("consume")!;
            traceId = activity.TraceId.ToHexString();
            spanId = activity.SpanId.ToHexString();
            logger.LogWarning("Contact {ContactId} arrived {Count} times", "c-42", 3);
            logger.LogError("Gave up");
        }

        var logs = _capture.Bodies("/v1/logs").SelectMany(body => OtlpDecoder.DecodeLogs(body)).ToList();

        Assert.Equal(2, logs.Count);
        var warning = logs[0];
        Assert.Equal("segmentation", warning.Resource);
        Assert.Equal("Segmentation.Consumers", warning.Category);
        Assert.Equal("Warning", warning.Level);
        Assert.Equal("Contact c-42 arrived 3 times", warning.Message);
        Assert.Equal("c-42", warning.Attributes["ContactId"]);
        Assert.Equal("3", warning.Attributes["Count"]);
        Assert.Equal(traceId, warning.TraceId);
        Assert.Equal(spanId, warning.SpanId);
        Assert.InRange(warning.Time, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow);
        Assert.Equal(("Error", "Gave up"), (logs[1].Level, logs[1].Message));
    }

    [Fact]
    public void Metrics_keep_counter_sums_and_histogram_counts_sums_and_attributes()
    {
        using var meter = new Meter(_sourceName);
        var consumed = meter.CreateCounter<long>("messaging.masstransit.consume");
        var duration = meter.CreateHistogram<double>("http.server.request.duration", unit: "s");
        using (var metrics = Sdk.CreateMeterProviderBuilder()
            .SetResourceBuilder(ResourceBuilder.CreateEmpty().AddService("campaigns"))
            .AddMeter(_sourceName)
            .AddOtlpExporter((exporter, reader) =>
            {
                exporter.Endpoint = _capture.Signal("v1/metrics");
                exporter.Protocol = OtlpExportProtocol.HttpProtobuf;
                reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = 60_000;
            })
            .Build())
        {
            consumed.Add(3);
            consumed.Add(4);
            duration.Record(0.1, new KeyValuePair<string, object?>("http.response.status_code", 200));
            duration.Record(0.3, new KeyValuePair<string, object?>("http.response.status_code", 500));
            duration.Record(0.2, new KeyValuePair<string, object?>("http.response.status_code", 200));
            Assert.True(metrics.ForceFlush(10_000));
        }

        var exported = OtlpDecoder.DecodeMetrics(_capture.Bodies("/v1/metrics")[0]);

        var counter = Assert.Single(exported, m => m.Name == "messaging.masstransit.consume");
        Assert.Equal(("campaigns", MetricType.Sum, true, false), (counter.Resource, counter.Type, counter.IsMonotonic, counter.IsDelta));
        Assert.Equal(7, Assert.Single(counter.Points).Value);
        var histogram = Assert.Single(exported, m => m.Name == "http.server.request.duration");
        Assert.Equal((MetricType.Histogram, "s"), (histogram.Type, histogram.Unit));
        var ok = Assert.Single(histogram.Points, p => p.Attributes["http.response.status_code"] == "200");
        var failed = Assert.Single(histogram.Points, p => p.Attributes["http.response.status_code"] == "500");
        Assert.Equal(2ul, ok.Count);
        Assert.Equal(0.3, ok.Sum, 6);
        Assert.Equal(1ul, failed.Count);
        Assert.Equal(0.3, failed.Sum, 6);
    }

    [Fact]
    public void A_body_that_is_not_an_OTLP_message_is_refused()
    {
        Assert.ThrowsAny<InvalidProtocolBufferException>(() => OtlpDecoder.DecodeTraces(new byte[] { 0x0A, 0xFF, 0xFF, 0xFF, 0x0F, 1 }));
    }

    public void Dispose() => _capture.Dispose();
}
