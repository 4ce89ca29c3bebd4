using System.Diagnostics;

namespace CustomerBase.Bench.Load;

/// <summary>A .NET load client for machines without wrk. It spends more CPU per request than wrk, which flatters ratios a little.</summary>
public sealed class InProcessClient : ILoadClient
{
    public string Name => "dotnet";

    public async Task<LoadResult> RunAsync(Uri url, string bearerToken, int connections, TimeSpan duration, CancellationToken ct)
    {
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = connections, UseProxy = false };
        using var http = new HttpClient(handler);
        http.DefaultRequestHeaders.Authorization = new("Bearer", bearerToken);
        var latencies = new List<double>[connections];
        long errors = 0;
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, connections).Select(async i =>
        {
            var mine = latencies[i] = new List<double>(100_000);
            while (clock.Elapsed < duration && !ct.IsCancellationRequested)
            {
                var start = Stopwatch.GetTimestamp();
                using var response = await http.GetAsync(url, HttpCompletionOption.ResponseContentRead, ct);
                mine.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                if (!response.IsSuccessStatusCode)
                {
                    Interlocked.Increment(ref errors);
                }
            }
        });
        await Task.WhenAll(workers);
        var elapsed = clock.Elapsed.TotalSeconds;
        var all = latencies.SelectMany(l => l).Order().ToArray();
        return new LoadResult(all.Length / elapsed, Quantile(all, 0.50), Quantile(all, 0.99), errors);
    }

    private static double Quantile(double[] sorted, double q) => sorted.Length == 0 ? 0 : sorted[(int)Math.Min(sorted.Length - 1, q * sorted.Length)];
}
