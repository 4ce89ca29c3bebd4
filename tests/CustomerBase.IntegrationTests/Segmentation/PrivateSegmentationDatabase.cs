using CustomerBase.Segmentation.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace CustomerBase.IntegrationTests.Segmentation;

/// <summary>
/// A segmentation database of a test's own on the system's PostgreSQL, with the service's migrations applied: for
/// figures computed over the whole base (RFM quintiles, affinity), which other tests' contacts would otherwise move.
/// </summary>
public sealed class PrivateSegmentationDatabase : IAsyncDisposable
{
    private readonly string _adminConnection;
    private readonly string _name = "seg_test_" + Guid.NewGuid().ToString("N")[..12];

    private PrivateSegmentationDatabase(SystemFixture fixture) => _adminConnection = fixture.System.Postgres.ConnectionString("postgres");

    public string ConnectionString => new NpgsqlConnectionStringBuilder(_adminConnection) { Database = _name }.ConnectionString;

    public static async Task<PrivateSegmentationDatabase> CreateAsync(SystemFixture fixture)
    {
        var database = new PrivateSegmentationDatabase(fixture);
        await using (var db = database.NewContext())
        {
            await db.Database.MigrateAsync(TestContext.Current.CancellationToken);
        }
        return database;
    }

    public SegmentationDbContext NewContext() => new(new DbContextOptionsBuilder<SegmentationDbContext>()
        .UseNpgsql(ConnectionString).UseSnakeCaseNamingConvention().Options);

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(_adminConnection);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_name} WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }
}
