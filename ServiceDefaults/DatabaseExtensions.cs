using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace CustomerBase.ServiceDefaults;

public static class DatabaseExtensions
{
    /// <summary>The argument that makes a service apply its migrations and exit: the one-shot job the AppHost (or Kubernetes) runs before the service.</summary>
    public const string MigrateCommand = "migrate";

    /// <summary>Registers the service's own PostgreSQL database from <c>ConnectionStrings__{connectionName}</c>, with a readiness check.</summary>
    /// <param name="withoutJit">
    /// Turns PostgreSQL's JIT compilation off on the service's connections, for a service whose queries are short and
    /// many. JIT starts on a plan's estimated cost, which counts branches that a one-time filter never runs: a 1 ms
    /// search page spent ~20 ms compiling (ADR 35).
    /// </param>
    public static IHostApplicationBuilder AddServiceDatabase<TDbContext>(this IHostApplicationBuilder builder, string connectionName, bool withoutJit = false)
        where TDbContext : DbContext
    {
        var connectionString = builder.Configuration.GetConnectionString(connectionName)
            ?? throw new InvalidOperationException($"Connection string '{connectionName}' is not configured (ConnectionStrings__{connectionName}).");
        if (withoutJit)
        {
            var settings = new NpgsqlConnectionStringBuilder(connectionString);
            settings.Options = $"{settings.Options} -c jit=off".Trim();
            connectionString = settings.ConnectionString;
        }

        // Pooled: a context per request without building one from scratch each time (interceptors are singletons).
        builder.Services.AddDbContextPool<TDbContext>((services, options) =>
        {
            options.UseNpgsql(connectionString, npgsql => npgsql.ConfigureDataSource(dataSource =>
                // Only queries made for a request or a message are traced: the outbox poll and health checks would
                // otherwise be a trace of their own every second in each service, burying the ones a developer looks for.
                dataSource.ConfigureTracing(tracing => tracing.ConfigureCommandFilter(_ => Activity.Current is not null))));
            options.UseSnakeCaseNamingConvention();
            foreach (var interceptor in services.GetServices<IInterceptor>())
            {
                options.AddInterceptors(interceptor);
            }
        });
        builder.Services.AddHealthChecks().AddDbContextCheck<TDbContext>(connectionName, tags: ["ready"]);
        return builder;
    }

    /// <summary>Runs the service, or, when started with <c>migrate</c>, creates its database, applies its migrations and exits.</summary>
    public static async Task RunServiceAsync<TDbContext>(this WebApplication app, string[] args) where TDbContext : DbContext
    {
        if (args.Contains(MigrateCommand))
        {
            await using var scope = app.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<TDbContext>();
            var pending = (await db.Database.GetPendingMigrationsAsync()).Count();
            await db.Database.MigrateAsync();
            app.Logger.LogInformation("Applied {Count} migrations to {Database}", pending, typeof(TDbContext).Name);
            return;
        }

        await app.RunAsync();
    }
}
