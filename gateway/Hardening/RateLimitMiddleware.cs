using System.Security.Claims;
using CustomerBase.ServiceDefaults.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace CustomerBase.Gateway.Hardening;

/// <summary>
/// Fixed-window rate limits per user and per service account, counted by <see cref="RateCounter"/> (shared by every
/// gateway replica through Redis). Over the limit: 429 problem details with <c>Retry-After</c>.
/// </summary>
public sealed class RateLimitMiddleware(RequestDelegate next, RateCounter counter, IOptionsMonitor<RateLimitOptions> options,
    IProblemDetailsService problems)
{
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

        if (counter.Count(identity, window) <= limit)
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
