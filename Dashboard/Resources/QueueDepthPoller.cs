using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Serialization;
using CustomerBase.Dashboard.Telemetry;

namespace CustomerBase.Dashboard.Resources;

/// <summary>
/// Queue depth per service, which no service can report about itself: every five seconds the RabbitMQ management
/// API's queue list, summed per service by the queue-name prefix our endpoint naming gives (<c>service-consumer</c>).
/// </summary>
public sealed class QueueDepthPoller : PeriodicLoop
{
    private readonly HttpClient _http;
    private readonly IReadOnlyList<string> _services;
    private readonly MetricStore _metrics;

    public QueueDepthPoller(Uri managementUrl, IReadOnlyList<string> services, MetricStore metrics)
    {
        _http = new HttpClient { BaseAddress = managementUrl, Timeout = TimeSpan.FromSeconds(3) };
        // The broker's default user, allowed from loopback only (see RabbitMqServer).
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.ASCII.GetBytes("guest:guest")));
        _services = services;
        _metrics = metrics;
        Start(TimeSpan.FromSeconds(5));
    }

    private sealed record Queue([property: JsonPropertyName("name")] string Name, [property: JsonPropertyName("messages")] long? Messages);

    protected override async Task TickAsync(CancellationToken ct)
    {
        try
        {
            var queues = await _http.GetFromJsonAsync<List<Queue>>("api/queues?columns=name,messages", ct) ?? [];
            var now = DateTimeOffset.UtcNow;
            _metrics.Add(_services.Select(service => new MetricData(service, MetricStore.QueueDepth, "{message}", MetricType.Gauge,
                IsMonotonic: false, IsDelta: false, now,
                [new MetricPoint(new Dictionary<string, string>(), queues.Where(q => q.Name.StartsWith(service + "-", StringComparison.Ordinal)).Sum(q => q.Messages ?? 0), 0, 0)])));
        }
        catch (Exception e) when (e is HttpRequestException or System.Text.Json.JsonException || (e is TaskCanceledException && !ct.IsCancellationRequested))
        {
            // The broker is starting, restarting or stopped: no sample this time.
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _http.Dispose();
    }
}
