namespace CustomerBase.Interactions.Model;

/// <summary>An order's way from new to delivered, or off it to cancelled or returned.</summary>
public static class OrderPipeline
{
    public const string New = "new";
    public const string Paid = "paid";
    public const string Shipped = "shipped";
    public const string Delivered = "delivered";
    public const string Cancelled = "cancelled";
    public const string Returned = "returned";

    public static readonly IReadOnlySet<string> Statuses = new SortedSet<string>(StringComparer.Ordinal) { New, Paid, Shipped, Delivered, Cancelled, Returned };

    /// <summary>Orders in these statuses do not count as purchases (statistics, preferences).</summary>
    public static readonly IReadOnlyList<string> NotPurchases = [Cancelled, Returned];

    private static readonly Dictionary<string, string[]> Next = new()
    {
        [New] = [Paid, Cancelled],
        [Paid] = [Shipped, Cancelled],
        [Shipped] = [Delivered, Returned],
        [Delivered] = [Returned],
        [Cancelled] = [],
        [Returned] = [],
    };

    /// <summary>Whether an order may move from one status to another; staying put is always allowed.</summary>
    public static bool Allows(string from, string to) => from == to || (Next.TryGetValue(from, out var next) && next.Contains(to));

    public static IReadOnlyList<string> NextOf(string from) => Next.TryGetValue(from, out var next) ? next : [];
}

public static class PaymentStatuses
{
    public const string Pending = "pending";
    public const string Paid = "paid";
    public static readonly IReadOnlySet<string> All = new SortedSet<string>(StringComparer.Ordinal) { Pending, "authorized", Paid, "failed", "refunded", "partially-refunded" };
}

/// <summary>A complaint's or request's way: open until resolved (a resolved case may be reopened).</summary>
public static class CasePipeline
{
    public const string Open = "open";
    public const string Resolved = "resolved";
    public static readonly IReadOnlySet<string> Statuses = new SortedSet<string>(StringComparer.Ordinal) { Open, Resolved };

    public static bool Allows(string from, string to) => from == to || (from, to) is (Open, Resolved) or (Resolved, Open);
}
