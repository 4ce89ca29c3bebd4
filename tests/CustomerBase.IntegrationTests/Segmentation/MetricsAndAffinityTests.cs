using CustomerBase.Contacts.Contracts;
using CustomerBase.Interactions.Contracts;
using CustomerBase.Segmentation.Affinity;
using CustomerBase.Segmentation.Infrastructure;
using CustomerBase.Segmentation.Metrics;
using Microsoft.EntityFrameworkCore;

namespace CustomerBase.IntegrationTests.Segmentation;

/// <summary>
/// The service's own statistics, metrics and affinity SQL on a small hand-checked data set in a private database, so
/// the base-wide figures (quintiles, shares of orders) are exactly the ones worked out in the comments.
/// </summary>
public sealed class MetricsAndAffinityTests(SystemFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);

    private static ContactAttributes Contact(Guid id) =>
        new(id, new ContactSnapshot("F", "L", null, null, null, null, null, [], null, null), Now.AddYears(-1), Now.AddYears(-1));

    private static OrderPlaced Order(Guid contactId, int daysAgo, decimal total, params OrderLine[] lines) =>
        new(Guid.NewGuid(), contactId, "N", Now.AddDays(-daysAgo), total, "EUR", lines.Length > 0 ? lines : [new OrderLine("SKU", null, "misc", 1, total)]);

    [Fact]
    public async Task StagesRfmChurnAndNextPurchaseMatchTheHandCheckedValues()
    {
        await using var database = await PrivateDatabase.SegmentationAsync(fixture);
        await using var db = database.NewContext();
        var (a, b, c, d, e, f, g) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        await db.ApplyContactsAsync([.. new[] { a, b, c, d, e, f, g }.Select(Contact)], Ct);
        await db.ApplyOrdersPlacedAsync(
        [
            Order(b, 10, 50),                                                  // one order: new
            Order(c, 40, 30), Order(c, 20, 30),                                // two, 20 days apart: active
            .. new[] { 50, 40, 30, 20, 10 }.Select(days => Order(d, days, 200, new OrderLine("TEA", null, "tea", 1, 150), new OrderLine("CUP", null, "cups", 1, 50))),
            Order(e, 100, 20), Order(e, 93, 20), Order(e, 86, 20),             // weekly, silent for 86 days: inactive and at risk
            Order(f, 55, 10), Order(f, 45, 10), Order(f, 35, 10), Order(f, 25, 10), // every 10 days, silent for 25: at risk, still active
            Order(g, 200, 10),                                                 // once, 200 days ago: inactive
        ], Ct);

        await PurchaseStatsSql.RecomputeAsync(db, ContactScope.Everyone, Ct);
        await ContactMetricsSql.RecomputeRfmBoundariesAsync(db, Now, Ct);
        var changes = await ContactMetricsSql.RecomputeAsync(db, ContactScope.Everyone, new MetricsOptions(), Now, Ct);
        var p = await db.ContactProfiles.AsNoTracking().ToDictionaryAsync(x => x.ContactId, Ct);

        // Every contact got its first stage, from none.
        Assert.Equal(7, changes.Count);
        Assert.All(changes, change => Assert.Null(change.Previous));
        Assert.Equal(["potential", "new", "active", "loyal", "inactive", "active", "inactive"],
            new[] { a, b, c, d, e, f, g }.Select(id => p[id].LifecycleStage));
        Assert.Equal([false, false, false, false, true, true, false], new[] { a, b, c, d, e, f, g }.Select(id => p[id].ChurnRisk));

        // Statistics: D spent 1,000 over five orders ten days apart, most on tea.
        Assert.Equal((5, 1000m, 200m, 10d), (p[d].OrderCount, p[d].TotalSpent, p[d].AverageOrder!.Value, p[d].MedianIntervalDays!.Value));
        Assert.Equal(["tea", "cups"], p[d].TopCategories);
        Assert.Null(p[b].MedianIntervalDays);

        // Next purchase: the last order plus the median interval.
        Assert.Null(p[a].NextPurchaseAt);
        Assert.Null(p[b].NextPurchaseAt);
        Assert.Equal(Now, p[c].NextPurchaseAt);
        Assert.Equal(Now, p[d].NextPurchaseAt);
        Assert.Equal(Now.AddDays(-79), p[e].NextPurchaseAt);
        Assert.Equal(Now.AddDays(-15), p[f].NextPurchaseAt);

        // Quintile cuts over the six buyers: recency [10, 20, 25, 86] days, frequency [1, 2, 3, 4], monetary [40, 50, 60, 60].
        var boundaries = await db.RfmBoundaries.AsNoTracking().SingleAsync(Ct);
        Assert.Equal([10, 20, 25, 86], boundaries.Recency.Select(x => Math.Round(x, 6)));
        Assert.Equal([1, 2, 3, 4], boundaries.Frequency);
        Assert.Equal([40, 50, 60, 60], boundaries.Monetary);
        Assert.Null(p[a].RfmRecency);
        Assert.Equal(
            [(5, 1, 2, "new_customers"), (4, 2, 3, "potential_loyalists"), (5, 5, 5, "champions"), (2, 3, 3, "at_risk"), (3, 4, 1, "loyal_customers"), (1, 1, 1, "hibernating")],
            new[] { b, c, d, e, f, g }.Select(id => ((int)p[id].RfmRecency!, (int)p[id].RfmFrequency!, (int)p[id].RfmMonetary!, p[id].RfmGroup)));

        // Recomputing with nothing changed changes nothing and announces nothing.
        Assert.Empty(await ContactMetricsSql.RecomputeAsync(db, ContactScope.Everyone, new MetricsOptions(), Now, Ct));
    }

    [Fact]
    public async Task CancelledOrdersStopCountingAndALateStatusDoesNotOverwriteANewerOne()
    {
        await using var database = await PrivateDatabase.SegmentationAsync(fixture);
        await using var db = database.NewContext();
        var contact = Guid.NewGuid();
        await db.ApplyContactsAsync([Contact(contact)], Ct);
        var first = Order(contact, 30, 100);
        var second = Order(contact, 10, 40);
        await db.ApplyOrdersPlacedAsync([first, second, second], Ct); // the same order twice counts once
        await db.ApplyOrderStatusAsync(new OrderStatusChanged(first.InteractionId, contact, "N", "new", "cancelled", "refunded", Now.AddDays(-5), 100, "EUR", first.Lines), Ct);
        await db.ApplyOrderStatusAsync(new OrderStatusChanged(first.InteractionId, contact, "N", "new", "paid", "paid", Now.AddDays(-20), 100, "EUR", first.Lines), Ct);
        await PurchaseStatsSql.RecomputeAsync(db, ContactScope.Ids([contact]), Ct);

        var profile = await db.ContactProfiles.AsNoTracking().SingleAsync(x => x.ContactId == contact, Ct);
        Assert.Equal((1, 40m), (profile.OrderCount, profile.TotalSpent));
        Assert.Equal(Now.AddDays(-10), profile.FirstOrderAt);
    }

    [Fact]
    public async Task AlsoBoughtAndRecommendationsMatchTheHandCheckedValues()
    {
        await using var database = await PrivateDatabase.SegmentationAsync(fixture);
        await using var db = database.NewContext();
        var people = Enumerable.Range(0, 6).Select(_ => Guid.NewGuid()).ToArray();
        await db.ApplyContactsAsync([.. people.Select(Contact)], Ct);
        OrderPlaced Basket(Guid contact, params string[] skus) => Order(contact, 5, skus.Length, [.. skus.Select(s => new OrderLine(s, null, null, 1, 1))]);
        var cancelled = Basket(people[5], "A", "D");
        await db.ApplyOrdersPlacedAsync([Basket(people[0], "A", "B"), Basket(people[1], "A", "B", "C"), Basket(people[2], "A", "C"), Basket(people[3], "B"), Basket(people[4], "A", "B"), cancelled], Ct);
        await db.ApplyOrderStatusAsync(new OrderStatusChanged(cancelled.InteractionId, people[5], "N", "new", "cancelled", "refunded", Now, 2, "EUR", cancelled.Lines), Ct);

        // 5 counted orders, 4 with A; B is in 3 of those and in 4 orders overall, C in 2 and 2; D only in a cancelled one.
        var alsoBought = await ProductAffinity.AlsoBoughtAsync(db, "A", 10, Ct);
        Assert.Equal(["B", "C"], alsoBought.Select(x => x.Sku));
        Assert.Equal((3L, 0.6, 0.75, 0.9375), (alsoBought[0].Orders, alsoBought[0].Support, alsoBought[0].Confidence, Math.Round(alsoBought[0].Lift, 10)));
        Assert.Equal((2L, 0.4, 0.5, 1.25), (alsoBought[1].Orders, alsoBought[1].Support, alsoBought[1].Confidence, Math.Round(alsoBought[1].Lift, 10)));

        // The buyer of A and C: others' baskets sharing A or C are 3, all with B (in 4 of 5 orders): lift (3/3)/(4/5).
        var recommended = Assert.Single(await ProductAffinity.RecommendAsync(db, people[2], 10, Ct));
        Assert.Equal(("B", 3L, 1.25), (recommended.Sku, recommended.Orders, Math.Round(recommended.Lift, 10)));
    }
}
