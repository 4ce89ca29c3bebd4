namespace CustomerBase.Bench.Load;

public static class LoadTable
{
    /// <summary>One row per path: median requests/s and latencies over the rounds, total errors.</summary>
    public static void Print(IEnumerable<(string Name, List<LoadResult> Runs)> rows)
    {
        Console.WriteLine($"| {"path",-8} | {"req/s",8} | {"p50 ms",7} | {"p99 ms",7} | {"errors",6} |");
        Console.WriteLine($"|{new string('-', 10)}|{new string('-', 10)}|{new string('-', 9)}|{new string('-', 9)}|{new string('-', 8)}|");
        foreach (var (name, runs) in rows)
        {
            Console.WriteLine($"| {name,-8} | {Median(runs.Select(r => r.RequestsPerSecond)),8:0} | {Median(runs.Select(r => r.P50Ms)),7:0.00} | {Median(runs.Select(r => r.P99Ms)),7:0.00} | {runs.Sum(r => r.Errors),6} |");
        }
        Console.WriteLine();
    }

    private static double Median(IEnumerable<double> values) => Scenarios.BenchOptions.Median(values);
}
