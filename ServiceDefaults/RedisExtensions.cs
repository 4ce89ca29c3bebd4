using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;

namespace CustomerBase.ServiceDefaults;

public static class RedisExtensions
{
    /// <summary>A shared Redis connection from <c>ConnectionStrings__redis</c>, with a readiness check.</summary>
    public static IHostApplicationBuilder AddRedis(this IHostApplicationBuilder builder)
    {
        var connectionString = builder.Configuration.GetConnectionString(ResourceNames.Redis)
            ?? throw new InvalidOperationException($"Connection string '{ResourceNames.Redis}' is not configured (ConnectionStrings__{ResourceNames.Redis}).");
        var options = ConfigurationOptions.Parse(connectionString);
        // Start even if Redis is briefly away; the health check reports it and the connection heals by itself.
        options.AbortOnConnectFail = false;
        builder.Services.AddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(options));
        builder.Services.AddHealthChecks().AddCheck<RedisHealthCheck>(ResourceNames.Redis, tags: ["ready"]);
        return builder;
    }
}

internal sealed class RedisHealthCheck(IConnectionMultiplexer redis) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await redis.GetDatabase().PingAsync();
            return HealthCheckResult.Healthy();
        }
        catch (RedisException ex)
        {
            return HealthCheckResult.Unhealthy("Redis does not answer.", ex);
        }
    }
}
