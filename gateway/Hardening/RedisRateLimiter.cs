using System.Security.Claims;
using CustomerBase.ServiceDefaults.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CustomerBase.Gateway.Hardening;

/// <summary>
/// Fixed-window rate limits per user and per service account, counted in Redis so every gateway replica shares them.
/// Over the limit: 429 problem details with <c>Retry-After</c>. If Redis is unreachable the request passes (and a
/// warning is logged): the gateway stays available, and Redis' own health is reported on <c>/health</c>.
/// </summary>
public sealed class RedisRateLimiter(RequestDelegate next, IConnectionMultiplexer redis, IOptionsMonitor<RateLimitOptions> options,
    IProblemDetailsService problems, ILogger<RedisRateLimiter> logger)
{
    // One round trip: count, and start the key's expiry with the window's first request.
    private const string CountScript = """
        local n = redis.call('INCR', KEYS[1])
        if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
        return n
        """;

    public async Task InvokeAsync(HttpContext context)
    {
        if (!context.Request.Path.StartsWithSegments("/api"))
        {
            await next(context);
            return;
        }
        var limits = options.CurrentValue;
        var now = DateTimeOffset.UtcNow;
        var windowMs = (long)limits.Window.TotalMilliseconds;
        var window = now.ToUnixTimeMilliseconds() / windowMs;
        var (identity, limit) = Identify(context.User, context, limits);

        long count;
        try
        {
            var result = await redis.GetDatabase().ScriptEvaluateAsync(CountScript,
                [(RedisKey)$"ratelimit:{identity}:{window}"], [windowMs * 2]);
            count = (long)result;
        }
        catch (RedisException ex)
        {
            logger.LogWarning("Rate limiting skipped, Redis unavailable: {ExceptionType}", ex.GetType().Name);
            await next(context);
            return;
        }

        if (count <= limit)
        {
            await next(context);
            return;
        }

        var retryAfter = Math.Max(1, (int)Math.Ceiling(((window + 1) * windowMs - now.ToUnixTimeMilliseconds()) / 1000.0));
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.Response.Headers.RetryAfter = retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = "Too many requests.",
                Detail = $"At most {limit} requests per {limits.Window.TotalSeconds:0} s; try again in {retryAfter} s.",
            },
        });
    }

    private static (string Identity, int Limit) Identify(ClaimsPrincipal user, HttpContext context, RateLimitOptions limits)
    {
        if (user.FindFirst(ClaimNames.Subject)?.Value is { Length: > 0 } subject)
        {
            return user.IsInRole(Roles.Integration)
                ? ($"client:{subject}", limits.ServiceAccountPermitsPerWindow)
                : ($"user:{subject}", limits.PermitsPerWindow);
        }
        return ($"address:{context.Connection.RemoteIpAddress}", limits.PermitsPerWindow);
    }
}
