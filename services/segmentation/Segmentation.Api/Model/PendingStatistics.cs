namespace CustomerBase.Segmentation.Model;

/// <summary>
/// A contact whose imported orders or attributes are stored but not yet counted in its statistics, metrics and segments:
/// the <see cref="Metrics.PendingStatisticsRefresher"/> recomputes it a few seconds later, once however many messages
/// brought them (ADR 29, ADR 31).
/// </summary>
public sealed class PendingStatistics
{
    public Guid ContactId { get; init; }
    public DateTimeOffset Since { get; init; }
}
