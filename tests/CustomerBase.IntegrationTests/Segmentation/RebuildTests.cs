using CustomerBase.Contacts.Contracts;
using CustomerBase.Interactions.Contracts;
using CustomerBase.Messaging;
using CustomerBase.Segmentation.Infrastructure;
using CustomerBase.Segmentation.Metrics;
using CustomerBase.Segmentation.Model;
using CustomerBase.Segmentation.Segments;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CustomerBase.IntegrationTests.Segmentation;

/// <summary>The rebuild recomputes statistics, metrics and segments from stored data alone, reporting every step.</summary>
public sealed class RebuildTests(SystemFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ARebuildRecomputesEverythingFromTheStoredOrdersAndPublishesTheChanges()
    {
        await using var database = await PrivateDatabase.SegmentationAsync(fixture);
        var now = DateTimeOffset.UtcNow;
        var (buyer, idle) = (Guid.NewGuid(), Guid.NewGuid());
        Guid segmentId;
        await using (var db = database.NewContext())
        {
            await db.ApplyContactsAsync([.. new[] { buyer, idle }.Select(id =>
                new ContactAttributes(id, new ContactSnapshot("R", "B", null, null, null, null, null, ["vip"], null, null), now, now))], Ct);
            // Orders stored without their statistics, as after a restore of the orders table alone.
            await db.ApplyOrdersPlacedAsync([.. new[] { 30, 20, 10 }.Select(days =>
                new OrderPlaced(Guid.NewGuid(), buyer, "R", now.AddDays(-days), 40, "EUR", [new OrderLine("TEA", null, "tea", 1, 40)]))], Ct);
            var segment = new Segment
            {
                Id = Guid.NewGuid(), Name = "Active vip", Kind = SegmentKinds.Dynamic, CreatedAt = now, UpdatedAt = now,
                Rule = """{"and":[{"field":"stage","op":"=","value":"active"},{"field":"tags","op":"contains","value":"vip"}]}""",
            };
            db.Segments.Add(segment);
            await db.SaveChangesAsync(Ct);
            segmentId = segment.Id;
        }

        var recomputer = RecomputerOver(database);
        var steps = new List<(string Step, int Done, int Total)>();
        await recomputer.RunAsync(statistics: true, (step, done, total) => { lock (steps) { steps.Add((step, done, total)); } return Task.CompletedTask; }, Ct);

        Assert.Equal(("done", 22, 22), steps[^1]); // 4 statistics slices, the RFM boundaries, 16 metrics slices, one segment
        await using var check = database.NewContext();
        var profile = await check.ContactProfiles.AsNoTracking().SingleAsync(p => p.ContactId == buyer, Ct);
        Assert.Equal((3, 120m, "active", 10d), (profile.OrderCount, profile.TotalSpent, profile.LifecycleStage, profile.MedianIntervalDays!.Value));
        Assert.Equal("potential", (await check.ContactProfiles.AsNoTracking().SingleAsync(p => p.ContactId == idle, Ct)).LifecycleStage);
        Assert.Equal([buyer], await check.SegmentMembers.Where(m => m.SegmentId == segmentId).Select(m => m.ContactId).ToListAsync(Ct));
        var outbox = await check.Set<OutboxMessage>().AsNoTracking().ToListAsync(Ct);
        Assert.Equal(2, outbox.Count(m => m.MessageType.StartsWith("CustomerBase.Segmentation.Contracts.LifecycleStageChanged,", StringComparison.Ordinal)));
        var entered = Assert.Single(outbox, m => m.MessageType.StartsWith("CustomerBase.Segmentation.Contracts.SegmentMembershipChanged,", StringComparison.Ordinal));
        Assert.Contains(buyer.ToString(), entered.Body);

        // A second rebuild over unchanged data changes nothing and publishes nothing.
        await recomputer.RunAsync(statistics: true, (_, _, _) => Task.CompletedTask, Ct);
        Assert.Equal(outbox.Count, await check.Set<OutboxMessage>().CountAsync(Ct));
    }

    [Fact]
    public async Task ARebuildGivesContactsKnownOnlyFromOrdersAProfileWithTheirStatistics()
    {
        await using var database = await PrivateDatabase.SegmentationAsync(fixture);
        var now = DateTimeOffset.UtcNow;
        var (buyer, cancelledOnly) = (Guid.NewGuid(), Guid.NewGuid());
        await using (var db = database.NewContext())
        {
            // Orders whose contacts never arrived (no ContactCreated yet), and no statistics: as after a restore of orders alone.
            await db.ApplyOrdersPlacedAsync(
            [
                new OrderPlaced(Guid.NewGuid(), buyer, "R", now.AddDays(-9), 30, "EUR", [new OrderLine("TEA", null, "tea", 1, 30)]),
                new OrderPlaced(Guid.NewGuid(), buyer, "R", now.AddDays(-3), 50, "EUR", [new OrderLine("MUG", null, "kitchen", 1, 50)]),
                new OrderPlaced(Guid.NewGuid(), buyer, "R", now.AddDays(-1), 99, "EUR", [new OrderLine("TV", null, "tv", 1, 99)], "Cancelled"),
                new OrderPlaced(Guid.NewGuid(), cancelledOnly, "R", now.AddDays(-2), 70, "EUR", [new OrderLine("TEA", null, "tea", 1, 70)], "Cancelled"),
            ], Ct);
        }
        var recomputer = RecomputerOver(database);

        await recomputer.RunAsync(statistics: true, (_, _, _) => Task.CompletedTask, Ct);

        await using var check = database.NewContext();
        var profiles = await check.ContactProfiles.AsNoTracking().ToDictionaryAsync(p => p.ContactId, Ct);
        Assert.Equal(2, profiles.Count);
        var b = profiles[buyer];
        Assert.Equal((2, 80m, 40m, 6d, null), (b.OrderCount, b.TotalSpent, b.AverageOrder, Math.Round(b.MedianIntervalDays!.Value, 6), b.CreatedAt));
        Assert.Equal(["kitchen", "tea"], b.TopCategories);
        var c = profiles[cancelledOnly];
        Assert.Equal((0, 0m, null, null), (c.OrderCount, c.TotalSpent, c.AverageOrder, c.LastOrderAt));
        Assert.Empty(c.TopCategories);
    }

    /// <summary>The rebuild's recomputer over a private database, as the service wires it.</summary>
    private ReadModelRecomputer RecomputerOver(PrivateDatabase<SegmentationDbContext> database)
    {
        var services = new ServiceCollection()
            .AddLogging()
            .AddDbContext<SegmentationDbContext>(o => o.UseNpgsql(database.ConnectionString).UseSnakeCaseNamingConvention())
            .AddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(fixture.System.Redis.ConnectionString))
            .AddScoped<SegmentCounts>()
            .AddScoped<SegmentEvaluator>()
            .BuildServiceProvider();
        return new ReadModelRecomputer(services.GetRequiredService<IServiceScopeFactory>(), Options.Create(new MetricsOptions()), new OutboxSignal(), TimeProvider.System);
    }
}
