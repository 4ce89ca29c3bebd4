using CustomerBase.IntegrationTests.Messaging;
using CustomerBase.ServiceDefaults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CustomerBase.IntegrationTests.Hosting;

/// <summary>A service's database as <see cref="DatabaseExtensions.AddServiceDatabase{TDbContext}"/> registers it, on the system's PostgreSQL.</summary>
public sealed class ServiceDatabaseTests(SystemFixture fixture)
{
    [Theory]
    [InlineData(true, "off")]
    [InlineData(false, "on")] // the server's default, so the option is what turns it off
    public async Task A_service_may_turn_JIT_compilation_off_on_its_connections(bool withoutJit, string expected)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:servicedb"] = fixture.System.Postgres.ConnectionString("postgres"),
        });
        builder.AddServiceDatabase<NotesDbContext>("servicedb", withoutJit);
        using var host = builder.Build();
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<NotesDbContext>();

        var jit = await db.Database.SqlQueryRaw<string>("SELECT current_setting('jit') AS \"Value\"").SingleAsync(TestContext.Current.CancellationToken);

        Assert.Equal(expected, jit);
    }
}
