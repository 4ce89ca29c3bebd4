namespace CustomerBase.Interactions.Model;

/// <summary>
/// A contact with orders an ingest has committed but not yet merged into its purchase statistics (ADR 34): written in
/// the batch's own transaction, deleted by the job's merge. Should the job's process die in between, what it counted
/// in memory is lost; the mark is not, and any later merge recomputes the contact in full instead of adding to a row
/// that lacks those orders.
/// </summary>
public sealed class UnmergedPurchases
{
    public Guid ContactId { get; init; }
    public Guid JobId { get; init; }
}
