using CustomerBase.Segmentation.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CustomerBase.IntegrationTests.Segmentation;

/// <summary>A preview's limit on PostgreSQL's parallel workers (ADR 0025) holds for its own query and does not stay on the pooled connection.</summary>
public sealed class PreviewQueryTests(SystemFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TheParallelWorkerLimitHoldsInsideThePreviewsTransactionOnly()
    {
        await using var database = await PrivateDatabase.SegmentationAsync(fixture);
        await using var db = database.NewContext();
        const string Setting = "SELECT current_setting('max_parallel_workers_per_gather')";
        await db.Database.OpenConnectionAsync(Ct);

        var before = (await db.QueryAsync(Setting, [], r => r.GetString(0), Ct))[0];
        var inside = (await db.QueryWithParallelWorkersAsync(7, Setting, [], r => r.GetString(0), Ct))[0];
        var after = (await db.QueryAsync(Setting, [], r => r.GetString(0), Ct))[0];

        Assert.Equal("7", inside);
        Assert.NotEqual("7", before);
        Assert.Equal(before, after);
    }
}
