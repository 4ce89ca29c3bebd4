using CustomerBase.Interactions.Infrastructure;
using CustomerBase.Segmentation.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace CustomerBase.IntegrationTests;

/// <summary>
/// A service's database of a test's own on the system's PostgreSQL, with the service's migrations applied: for a
/// service's SQL run directly, and for figures computed over the whole base (RFM quintiles, affinity), which other
/// tests' data would otherwise move.
/// </summary>
public sealed class PrivateDatabase<TContext> : IAsyncDisposable where TContext : DbContext
{
    private readonly string _adminConnection;
    private readonly string _name = "test_" + Guid.NewGuid().ToString("N")[..12];
    private readonly Func<DbContextOptions<TContext>, TContext> _create;

    private PrivateDatabase(SystemFixture fixture, Func<DbContextOptions<TContext>, TContext> create)
    {
        _adminConnection = fixture.System.Postgres.ConnectionString("postgres");
        _create = create;
    }

    public string ConnectionString => new NpgsqlConnectionStringBuilder(_adminConnection) { Database = _name }.ConnectionString;

    public static async Task<PrivateDatabase<TContext>> CreateAsync(SystemFixture fixture, Func<DbContextOptions<TContext>, TContext> create)
    {
        var database = new PrivateDatabase<TContext>(fixture, create);
        await using (var db = database.NewContext())
        {
            await db.Database.MigrateAsync(TestContext.Current.CancellationToken);
        }
        return database;
    }

    public TContext NewContext() => _create(new DbContextOptionsBuilder<TContext>()
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

/// <summary>The services' private databases tests create.</summary>
public static class PrivateDatabase
{
    public static Task<PrivateDatabase<SegmentationDbContext>> SegmentationAsync(SystemFixture fixture) =>
        PrivateDatabase<SegmentationDbContext>.CreateAsync(fixture, options => new SegmentationDbContext(options));

    public static Task<PrivateDatabase<InteractionsDbContext>> InteractionsAsync(SystemFixture fixture) =>
        PrivateDatabase<InteractionsDbContext>.CreateAsync(fixture, options => new InteractionsDbContext(options));
}
