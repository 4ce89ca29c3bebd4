using System.ComponentModel.DataAnnotations;

namespace CustomerBase.Segmentation.Segments;

/// <summary>How rule previews run (configuration section "Preview"); ADR 0025.</summary>
public sealed class PreviewOptions
{
    /// <summary>
    /// PostgreSQL's parallel workers for one preview's count and sample (<c>max_parallel_workers_per_gather</c>, set for
    /// that transaction only). None by default: a preview is one bitmap scan of the read model that people repeat as they
    /// type, many at once; on 2 cores it took ~100 ms alone and 115–150 ms with two workers (ADR 0025). A database
    /// server with cores to spare for each preview may allow some.
    /// </summary>
    [Range(0, 64)] public int ParallelWorkers { get; set; }
}
