namespace CustomerBase.Bench.Load;

/// <summary>One load run against one URL.</summary>
public sealed record LoadResult(double RequestsPerSecond, double P50Ms, double P99Ms, long Errors);

public interface ILoadClient
{
    string Name { get; }
    /// <param name="bearerToken">Sent as <c>Authorization: Bearer …</c> on every request.</param>
    Task<LoadResult> RunAsync(Uri url, string bearerToken, int connections, TimeSpan duration, CancellationToken ct);
}
