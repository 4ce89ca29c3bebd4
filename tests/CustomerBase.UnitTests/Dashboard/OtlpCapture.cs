using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace CustomerBase.UnitTests.Dashboard;

/// <summary>
/// An in-process HTTP listener standing in for the dashboard: the real OpenTelemetry OTLP exporter posts to it, and
/// the bodies it receives are exactly what a service sends.
/// </summary>
public sealed class OtlpCapture : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentQueue<(string Path, string? ContentType, byte[] Body)> _requests = new();
    private readonly Task _loop;

    public OtlpCapture()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        BaseUrl = new Uri($"http://127.0.0.1:{port}/");
        _listener.Prefixes.Add(BaseUrl.ToString());
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public Uri BaseUrl { get; }

    public Uri Signal(string path) => new(BaseUrl, path);

    /// <summary>The bodies posted to <paramref name="path"/>, in arrival order.</summary>
    public IReadOnlyList<byte[]> Bodies(string path) => _requests.Where(r => r.Path == path).Select(r => r.Body).ToList();

    public IReadOnlyList<string?> ContentTypes => _requests.Select(r => r.ContentType).ToList();

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            _requests.Enqueue((context.Request.Url!.AbsolutePath, context.Request.ContentType, body.ToArray()));
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/x-protobuf";
            context.Response.Close();
        }
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        _loop.Wait(TimeSpan.FromSeconds(5));
    }
}
