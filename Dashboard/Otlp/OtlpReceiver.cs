using System.IO.Compression;
using System.Threading.Channels;
using CustomerBase.Dashboard.Telemetry;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CustomerBase.Dashboard.Otlp;

/// <summary>
/// The OTLP/HTTP protobuf endpoints (<c>/v1/traces</c>, <c>/v1/logs</c>, <c>/v1/metrics</c>). A request is only read
/// and queued; one background reader decodes and stores. The queue is bounded and drops the oldest export when full,
/// so a busy dashboard never makes a service's exporter wait (its batches are what it would lose anyway).
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    public const string ApiKeyHeader = "x-otlp-api-key";
    private const string Protobuf = "application/x-protobuf";
    private const int MaxBodyBytes = 16 * 1024 * 1024;

    private readonly Channel<Export> _queue;
    private readonly TelemetryStores _stores;
    private readonly string _apiKey;
    private readonly Task _reader;
    private long _dropped;
    private long _malformed;

    private enum Signal
    {
        Traces,
        Logs,
        Metrics,
    }

    private sealed record Export(Signal Signal, byte[] Body);

    public OtlpReceiver(TelemetryStores stores, string apiKey, int queueCapacity = 1000)
    {
        _stores = stores;
        _apiKey = apiKey;
        _queue = Channel.CreateBounded<Export>(
            new BoundedChannelOptions(queueCapacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            _ => Interlocked.Increment(ref _dropped));
        _reader = Task.Run(ReadAsync);
    }

    /// <summary>Exports dropped because the queue was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Exports that were not valid OTLP protobuf.</summary>
    public long Malformed => Interlocked.Read(ref _malformed);

    public void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/traces", context => ReceiveAsync(context, Signal.Traces));
        app.MapPost("/v1/logs", context => ReceiveAsync(context, Signal.Logs));
        app.MapPost("/v1/metrics", context => ReceiveAsync(context, Signal.Metrics));
    }

    private async Task ReceiveAsync(HttpContext context, Signal signal)
    {
        if (!DashboardAuth.FixedTimeEquals(context.Request.Headers[ApiKeyHeader].ToString(), _apiKey))
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }
        if (context.Request.ContentType?.StartsWith(Protobuf, StringComparison.OrdinalIgnoreCase) != true)
        {
            context.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType; // OTLP/HTTP JSON is not read here
            return;
        }
        if (context.Request.ContentLength > MaxBodyBytes)
        {
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            return;
        }
        var body = context.Request.Body;
        if (string.Equals(context.Request.Headers.ContentEncoding, "gzip", StringComparison.OrdinalIgnoreCase))
        {
            body = new GZipStream(body, CompressionMode.Decompress);
        }
        using var buffer = new MemoryStream();
        await body.CopyToAsync(buffer, context.RequestAborted);
        _queue.Writer.TryWrite(new Export(signal, buffer.ToArray()));
        // An empty Export*ServiceResponse: everything accepted.
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = Protobuf;
    }

    private async Task ReadAsync()
    {
        await foreach (var export in _queue.Reader.ReadAllAsync())
        {
            try
            {
                switch (export.Signal)
                {
                    case Signal.Traces:
                        _stores.Spans.Add(OtlpDecoder.DecodeTraces(export.Body));
                        break;
                    case Signal.Logs:
                        _stores.Logs.Add(OtlpDecoder.DecodeLogs(export.Body));
                        break;
                    case Signal.Metrics:
                        _stores.Metrics.Add(OtlpDecoder.DecodeMetrics(export.Body));
                        break;
                }
            }
            catch (InvalidProtocolBufferException)
            {
                Interlocked.Increment(ref _malformed);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _reader;
    }
}
