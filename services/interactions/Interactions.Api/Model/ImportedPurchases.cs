namespace CustomerBase.Interactions.Model;

/// <summary>
/// What an ingest's committed orders add to each contact's purchase statistics since <see cref="Since"/>: counted once,
/// merged into <c>contact_purchase_stats</c> by <c>PurchaseStatsRefresher.MergeAsync</c> instead of recomputing each
/// contact from all its orders (ADR 34). Holds 8 bytes per order and a few hundred per contact, so the runner merges
/// and clears it whenever it grows past its limits.
/// </summary>
public sealed class ImportedPurchases
{
    public sealed class Contact
    {
        public int Count;
        public decimal Total;
        public DateTime First = DateTime.MaxValue;
        public DateTime Last = DateTime.MinValue;

        /// <summary>Each order's time (UTC), in no particular order.</summary>
        public readonly List<DateTime> Dates = [];

        /// <summary>Quantity × unit price summed per line category, as the full refresh sums it.</summary>
        public readonly Dictionary<string, decimal> Spend = new(StringComparer.Ordinal);
    }

    private static readonly long PostgresEpoch = new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks;

    private readonly Dictionary<Guid, Contact> _contacts = [];

    /// <summary>
    /// The database's clock before the first of these orders was committed: a statistics row computed at or after it may
    /// already count some of them, and is recomputed in full instead of merged.
    /// </summary>
    public DateTime Since { get; private set; }

    public int Orders { get; private set; }

    public IReadOnlyDictionary<Guid, Contact> Contacts => _contacts;

    /// <summary>
    /// The contacts of these orders that need a mark in <c>unmerged_purchases</c> (<see cref="UnmergedPurchases"/>):
    /// those with a purchase among them and none counted yet in the span. A counted contact's mark was committed with
    /// the batch that brought its first purchase; one that is not a purchase changes no statistics and needs none.
    /// </summary>
    public List<Guid> Unmarked(IEnumerable<(Guid ContactId, string? Status)> orders) =>
        [.. orders.Where(o => IsPurchase(o.Status) && !_contacts.ContainsKey(o.ContactId)).Select(o => o.ContactId).Distinct()];

    /// <summary>Cancelled and returned orders are not purchases, as in the full refresh.</summary>
    private static bool IsPurchase(string? status) => status is null || !OrderPipeline.NotPurchases.Contains(status);

    /// <summary>Counts a committed order (if it is a purchase).</summary>
    public void Add(Guid contactId, DateTimeOffset occurredAt, string? status, OrderPayload order)
    {
        if (!IsPurchase(status))
        {
            return;
        }
        if (!_contacts.TryGetValue(contactId, out var contact))
        {
            _contacts[contactId] = contact = new Contact();
        }
        // To the microsecond, as Npgsql sends it: ticks since 2000-01-01 divided by ten, so toward that day.
        var sinceEpoch = occurredAt.UtcTicks - PostgresEpoch;
        var at = new DateTime(PostgresEpoch + sinceEpoch - sinceEpoch % 10, DateTimeKind.Utc);
        contact.Count++;
        contact.Total += order.Total;
        contact.First = at < contact.First ? at : contact.First;
        contact.Last = at > contact.Last ? at : contact.Last;
        contact.Dates.Add(at);
        foreach (var line in order.Lines)
        {
            if (line.Category is { } category)
            {
                contact.Spend[category] = contact.Spend.GetValueOrDefault(category) + line.Quantity * line.UnitPrice;
            }
        }
        Orders++;
    }

    /// <summary>Starts a new span of orders, committed after <paramref name="since"/> (the database's clock).</summary>
    public void Restart(DateTime since)
    {
        _contacts.Clear();
        Orders = 0;
        Since = since;
    }
}
