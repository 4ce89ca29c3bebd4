namespace CustomerBase.Segmentation.Model;

/// <summary>
/// One order as segmentation keeps it: enough to recompute a contact's statistics from scratch and to count products
/// bought together. Lines are kept as three parallel arrays (sku, category, amount) rather than one row per line:
/// a tenth of the rows, and affinity needs only the distinct skus of an order.
/// </summary>
public sealed class OrderRecord
{
    /// <summary>The interaction id of the order in interactions: an event applied twice writes the same row.</summary>
    public Guid InteractionId { get; init; }
    public Guid ContactId { get; set; }
    public DateTimeOffset OrderedAt { get; set; }
    public decimal Total { get; set; }

    /// <summary>new, paid, shipped, delivered, cancelled or returned; cancelled and returned orders do not count.</summary>
    public string Status { get; set; } = "new";

    /// <summary>When <see cref="Status"/> was set: a status change arriving late does not overwrite a newer one.</summary>
    public DateTimeOffset StatusAt { get; set; }
    public string[] Skus { get; set; } = [];
    public string?[] Categories { get; set; } = [];
    public decimal[] Amounts { get; set; } = [];
}
