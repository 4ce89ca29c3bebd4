using System.Text.Json;
using CustomerBase.Interactions.Apis;
using CustomerBase.Interactions.Infrastructure;
using CustomerBase.Interactions.Model;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace CustomerBase.IntegrationTests.Interactions;

/// <summary>
/// The ingest's merge of imported orders into purchase statistics (ADR 34), run on a private interactions database:
/// whatever happened to the contacts meanwhile, the merged rows must equal the rows recomputed from every stored order.
/// </summary>
public sealed class PurchaseStatsMergeTests(SystemFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly DateTimeOffset Day = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly string[] Categories = ["tea", "coffee", "care", "gifts", "books"];

    [Fact]
    public async Task MergedStatisticsEqualTheStatisticsOfEveryStoredOrder()
    {
        await using var database = await PrivateDatabase.InteractionsAsync(fixture);
        await using var db = database.NewContext();
        var random = new Random(34);
        var withHistory = Enumerable.Range(0, 40).Select(_ => Guid.NewGuid()).ToList();
        var newcomers = Enumerable.Range(0, 20).Select(_ => Guid.NewGuid()).ToList();

        // History recorded live before the ingest, each contact's statistics computed then (as every live write does).
        foreach (var contact in withHistory)
        {
            await AddOrdersAsync(db, contact, random, random.Next(1, 8));
        }
        await db.RefreshAsync(withHistory, Ct);
        // Rows written before rows kept their dates: marked 'infinity' by the migration, with nothing to merge into.
        var legacy = withHistory.Take(5).ToArray();
        await db.Database.ExecuteSqlAsync($"""
            UPDATE contact_purchase_stats SET refreshed_at = 'infinity', order_dates = ARRAY[]::timestamptz[], category_spend = jsonb_build_object()
            WHERE contact_id = ANY({legacy})
            """, Ct);

        // The ingest: its committed orders are counted as the runner counts them, some of them cancelled (not counted).
        var purchases = new ImportedPurchases();
        purchases.Restart(await ClockAsync(db));
        foreach (var contact in withHistory.Concat(newcomers))
        {
            foreach (var (order, status, payload) in await AddOrdersAsync(db, contact, random, random.Next(1, 10)))
            {
                purchases.Add(contact, order.OccurredAt, status, payload);
            }
        }

        // Meanwhile, live writes: one contact's statistics recomputed after some of the imported orders were committed
        // (they count them already); a newcomer's imported order cancelled, so its row is dropped, then another imported;
        // a newcomer's history re-pointed to another contact by a merge.
        var recountedLive = withHistory[10];
        await AddOrdersAsync(db, recountedLive, random, 1);
        await db.RefreshAsync([recountedLive], Ct);
        var cancelledLive = newcomers[0];
        await db.Interactions.Where(i => i.ContactId == cancelledLive).ExecuteUpdateAsync(s => s.SetProperty(i => i.Status, OrderPipeline.Cancelled), Ct);
        await db.RefreshAsync([cancelledLive], Ct);
        foreach (var (order, status, payload) in await AddOrdersAsync(db, cancelledLive, random, 1, status: OrderPipeline.Paid))
        {
            purchases.Add(cancelledLive, order.OccurredAt, status, payload);
        }
        // Another import's orders, committed and marked but never merged: its process died with what it had counted.
        var leftByADeadImport = withHistory[30];
        await AddOrdersAsync(db, leftByADeadImport, random, 3, status: OrderPipeline.Paid);
        db.UnmergedPurchases.Add(new UnmergedPurchases { ContactId = leftByADeadImport, JobId = Guid.NewGuid() });
        await db.SaveChangesAsync(Ct);
        var mergedAway = newcomers[1];
        await db.Interactions.Where(i => i.ContactId == mergedAway).ExecuteUpdateAsync(s => s.SetProperty(i => i.ContactId, withHistory[20]), Ct);
        await db.RefreshAsync([mergedAway, withHistory[20]], Ct);

        await using (var connection = new NpgsqlConnection(database.ConnectionString))
        {
            await connection.OpenAsync(Ct);
            await PurchaseStatsRefresher.MergeAsync(connection, Guid.NewGuid(), purchases, Ct);
        }
        var merged = await RowsAsync(db);
        await db.RefreshAsync([.. withHistory, .. newcomers], Ct);
        var recomputed = await RowsAsync(db);

        Assert.Equal(recomputed.Keys.Order(), merged.Keys.Order());
        foreach (var (contact, expected) in recomputed)
        {
            var actual = merged[contact];
            Assert.Equal((expected.First, expected.Last, expected.Count, expected.Total, expected.Median), (actual.First, actual.Last, actual.Count, actual.Total, actual.Median));
            Assert.Equal(expected.Top, actual.Top);
            Assert.Equal(expected.Dates, actual.Dates);
            Assert.Equal(expected.Spend, actual.Spend);
        }
        Assert.DoesNotContain(mergedAway, merged.Keys);
        Assert.Equal(1, merged[cancelledLive].Count);
        var stored = await db.Interactions.CountAsync(i => i.ContactId == recountedLive && i.Kind == InteractionKinds.Order && i.Status != OrderPipeline.Cancelled, Ct);
        Assert.Equal(stored, merged[recountedLive].Count); // not its imported orders twice
        var leftStored = await db.Interactions.CountAsync(i => i.ContactId == leftByADeadImport && i.Kind == InteractionKinds.Order && i.Status != OrderPipeline.Cancelled, Ct);
        Assert.Equal(leftStored, merged[leftByADeadImport].Count); // the dead import's orders too
    }

    /// <summary>Stores <paramref name="count"/> orders of the contact; a tenth are cancelled unless a status is given.</summary>
    private static async Task<List<(Interaction Order, string Status, OrderPayload Payload)>> AddOrdersAsync(
        InteractionsDbContext db, Guid contact, Random random, int count, string? status = null)
    {
        var added = new List<(Interaction, string, OrderPayload)>();
        for (var n = 0; n < count; n++)
        {
            var lines = Enumerable.Range(0, random.Next(1, 4)).Select(_ => new OrderLinePayload(
                "SKU-" + random.Next(100), null, random.Next(6) == 0 ? null : Categories[random.Next(Categories.Length)],
                random.Next(1, 4), random.Next(100, 5000) / 100m)).ToList();
            var payload = new OrderPayload("N-" + Guid.NewGuid().ToString("N")[..8], "EUR", OrderMath.Total(lines.Select(l => (l.Quantity, l.UnitPrice))), lines);
            var orderStatus = status ?? (random.Next(10) == 0 ? OrderPipeline.Cancelled : OrderPipeline.Paid);
            var order = new Interaction
            {
                Id = Guid.NewGuid(), ContactId = contact, Kind = InteractionKinds.Order, Status = orderStatus,
                // Whole days, so two orders of one contact sometimes fall on the same moment (a gap of zero).
                OccurredAt = Day.AddDays(random.Next(0, 400)), RecordedAt = DateTimeOffset.UtcNow,
                Payload = JsonSerializer.Serialize(payload, JsonSerializerOptions.Web),
            };
            db.Interactions.Add(order);
            added.Add((order, orderStatus, payload));
        }
        await db.SaveChangesAsync(Ct);
        db.ChangeTracker.Clear();
        return added;
    }

    private static async Task<DateTime> ClockAsync(InteractionsDbContext db) =>
        await db.Database.SqlQueryRaw<DateTime>("SELECT clock_timestamp() AS \"Value\"").SingleAsync(Ct);

    private sealed record Row(DateTimeOffset First, DateTimeOffset Last, int Count, decimal Total, double Median, string[] Top,
        DateTimeOffset[] Dates, (string, decimal)[] Spend);

    private static async Task<Dictionary<Guid, Row>> RowsAsync(InteractionsDbContext db)
    {
        var rows = await db.PurchaseStats.AsNoTracking().ToListAsync(Ct);
        return rows.ToDictionary(s => s.ContactId, s => new Row(s.FirstOrderAt, s.LastOrderAt, s.OrderCount, s.Total,
            Math.Round(s.MedianIntervalDays, 9), s.TopCategories, s.OrderDates,
            // Compared as numbers (decimal equality): 30.0 and 30.00 are the same spend.
            [.. JsonSerializer.Deserialize<Dictionary<string, decimal>>(s.CategorySpend)!.Select(e => (e.Key, e.Value)).OrderBy(e => e.Key, StringComparer.Ordinal)]));
    }
}
