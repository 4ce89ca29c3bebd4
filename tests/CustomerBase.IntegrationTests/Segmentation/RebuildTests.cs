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
        await using var database = await PrivateSegmentationDatabase.CreateAsync(fixture);
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

        var services = new ServiceCollection()
            .AddLogging()
            .AddDbContext<SegmentationDbContext>(o => o.UseNpgsql(database.ConnectionString).UseSnakeCaseNamingConvention())
            .AddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(fixture.System.Redis.ConnectionString))
            .AddScoped<SegmentCounts>()
            .AddScoped<SegmentEvaluator>()
            .BuildServiceProvider();
        var recomputer = new ReadModelRecomputer(services.GetRequiredService<IServiceScopeFactory>(), Options.Create(new MetricsOptions()), new OutboxSignal(), TimeProvider.System);
        var steps = new List<(string Step, int Done, int Total)>();
        await recomputer.RunAsync(statistics: true, (step, done, total) => { lock (steps) { steps.Add((step, done, total)); } return Task.CompletedTask; }, Ct);

        Assert.Equal(("done", 34, 34), steps[^1]); // 16 statistics slices, the RFM boundaries, 16 metrics slices, one segment
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
}
