using CustomerBase.Segmentation.Metrics;

namespace CustomerBase.Segmentation.Rules;

public enum RuleFieldType
{
    Text,
    Number,
    /// <summary>A point in time (timestamptz).</summary>
    Timestamp,
    /// <summary>A calendar date (date).</summary>
    Date,
    Bool,
    /// <summary>A set of strings (text[]): tags, top categories.</summary>
    Set,
    /// <summary>Whole years since the birth date, as of today.</summary>
    Age,
    /// <summary>The next anniversary of the birth date: only <c>within N days</c>.</summary>
    Birthday,
    /// <summary>The skus of the contact's counted orders.</summary>
    Products,
    /// <summary>A custom field of the contact card: <c>custom.&lt;name&gt;</c>.</summary>
    Custom,
}

/// <summary>A field a rule may name, and the read-model column it stands for. Only these reach SQL, and only as written here.</summary>
public sealed record RuleField(string Name, RuleFieldType Type, string Column, string Description, bool Future = false, IReadOnlyList<string>? Values = null);

/// <summary>The whitelist of rule fields (docs/segmentation.md lists the same).</summary>
public static class RuleFields
{
    public const string CustomPrefix = "custom.";

    public static readonly IReadOnlyList<RuleField> All =
    [
        new("stage", RuleFieldType.Text, "lifecycle_stage", "Lifecycle stage", Values: LifecycleStages.All),
        new("gender", RuleFieldType.Text, "gender", "Gender as on the contact card"),
        new("city", RuleFieldType.Text, "city", "City of the contact's first address with one"),
        new("time_zone", RuleFieldType.Text, "time_zone", "IANA time zone"),
        new("channel", RuleFieldType.Text, "preferred_channel", "Preferred channel"),
        new("language", RuleFieldType.Text, "language", "Preferred language"),
        new("team", RuleFieldType.Text, "team", "Team that owns the contact"),
        new("owner", RuleFieldType.Text, "owner_id", "Manager who owns the contact"),
        new("rfm_group", RuleFieldType.Text, "rfm_group", "Named RFM group", Values: RfmGroups.All),
        new("tags", RuleFieldType.Set, "tags", "Tags"),
        new("top_categories", RuleFieldType.Set, "top_categories", "Up to three categories the contact spent most on"),
        new("products", RuleFieldType.Products, "", "Skus the contact has bought (orders not cancelled or returned)"),
        new("age", RuleFieldType.Age, "birth_date", "Whole years since the birth date"),
        new("birthday", RuleFieldType.Birthday, "birth_date", "The next birthday: birthday within N days"),
        new("birth_date", RuleFieldType.Date, "birth_date", "Birth date"),
        new("created", RuleFieldType.Timestamp, "created_at", "When the contact was created"),
        new("orders", RuleFieldType.Number, "order_count", "Orders (not cancelled or returned)"),
        new("total_spent", RuleFieldType.Number, "total_spent", "Sum of the orders' totals"),
        new("average_order", RuleFieldType.Number, "average_order", "Average order total"),
        new("median_interval", RuleFieldType.Number, "median_interval_days", "Median days between consecutive orders"),
        new("rfm_r", RuleFieldType.Number, "rfm_recency", "RFM recency score, 1–5"),
        new("rfm_f", RuleFieldType.Number, "rfm_frequency", "RFM frequency score, 1–5"),
        new("rfm_m", RuleFieldType.Number, "rfm_monetary", "RFM monetary score, 1–5"),
        new("first_order", RuleFieldType.Timestamp, "first_order_at", "First order"),
        new("last_order", RuleFieldType.Timestamp, "last_order_at", "Last order"),
        new("next_purchase", RuleFieldType.Timestamp, "next_purchase_at", "Predicted next purchase", Future: true),
        new("churn_risk", RuleFieldType.Bool, "churn_risk", "A regular buyer past their usual interval"),
    ];

    private static readonly Dictionary<string, RuleField> ByName = All.ToDictionary(f => f.Name);

    public static RuleField? Find(string name)
    {
        if (ByName.TryGetValue(name, out var field))
        {
            return field;
        }
        if (name.StartsWith(CustomPrefix, StringComparison.Ordinal) && name.Length > CustomPrefix.Length && name.Length <= 100)
        {
            return new RuleField(name, RuleFieldType.Custom, name[CustomPrefix.Length..], "Custom field");
        }
        return null;
    }

    public static IReadOnlyList<string> Operators(RuleFieldType type) => type switch
    {
        RuleFieldType.Text => ["=", "!=", "in", "not in", "is set", "is not set"],
        RuleFieldType.Number or RuleFieldType.Custom => ["=", "!=", "<", "<=", ">", ">=", "between", "is set", "is not set"],
        RuleFieldType.Age => ["=", "!=", "<", "<=", ">", ">=", "between", "is set", "is not set"],
        RuleFieldType.Timestamp or RuleFieldType.Date => ["before", "after", "<", ">", "between", "within", "is set", "is not set"],
        RuleFieldType.Bool => ["=", "!="],
        RuleFieldType.Set or RuleFieldType.Products => ["contains", "not contains", "has any", "has all", "is set", "is not set"],
        RuleFieldType.Birthday => ["within"],
        _ => [],
    };
}
