namespace CustomerBase.Segmentation.Model;

/// <summary>
/// Segmentation's own copy of a contact: attributes from contact events, purchase statistics recomputed from the
/// contact's stored orders, and the metrics derived from both. Events may arrive in any order (an order before its
/// contact), so every field but the id is optional. Written only by set-based SQL (<see cref="Infrastructure.ContactProfileWriter"/>,
/// <see cref="Metrics.PurchaseStatsSql"/>, <see cref="Metrics.ContactMetricsSql"/>).
/// </summary>
public sealed class ContactProfile
{
    public Guid ContactId { get; init; }
    public string? FirstName { get; set; }
    public string? LastName { get; set; }

    /// <summary>When the contact was created in contacts; null while only orders have been seen.</summary>
    public DateTimeOffset? CreatedAt { get; set; }

    public string? Gender { get; set; }
    public DateOnly? BirthDate { get; set; }
    public string? City { get; set; }
    public string? TimeZone { get; set; }
    public string? PreferredChannel { get; set; }
    public string? Language { get; set; }
    public string[] Tags { get; set; } = [];
    public string? OwnerId { get; set; }
    public string? Team { get; set; }

    /// <summary>The contact's custom fields as contacts sent them (jsonb).</summary>
    public string CustomFields { get; set; } = "{}";

    /// <summary>Time of the contact event the attributes came from: an older event arriving late does not overwrite them.</summary>
    public DateTimeOffset? AttributesAt { get; set; }

    public int OrderCount { get; set; }
    public decimal TotalSpent { get; set; }
    public decimal? AverageOrder { get; set; }
    public DateTimeOffset? FirstOrderAt { get; set; }
    public DateTimeOffset? LastOrderAt { get; set; }

    /// <summary>Median of the days between consecutive orders; null below two orders.</summary>
    public double? MedianIntervalDays { get; set; }

    /// <summary>Up to three categories the contact spent most on, most first.</summary>
    public string[] TopCategories { get; set; } = [];

    /// <summary>Null until the metrics are first computed for the contact.</summary>
    public string? LifecycleStage { get; set; }
    public short? RfmRecency { get; set; }
    public short? RfmFrequency { get; set; }
    public short? RfmMonetary { get; set; }
    public string? RfmGroup { get; set; }
    public bool ChurnRisk { get; set; }
    public DateTimeOffset? NextPurchaseAt { get; set; }
    public DateTimeOffset? MetricsAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}
