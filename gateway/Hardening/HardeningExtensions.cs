using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace CustomerBase.Gateway.Hardening;

public static class HardeningExtensions
{
    public static IHostApplicationBuilder AddGatewayHardening(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<RateLimitOptions>().BindConfiguration("RateLimiting")
            .Validate(o => o.PermitsPerWindow > 0 && o.ServiceAccountPermitsPerWindow > 0 && o.Window >= TimeSpan.FromSeconds(1), "RateLimiting: permits must be positive and the window at least 1 s.")
            .ValidateOnStart();
        builder.Services.AddOptions<RequestLimitOptions>().BindConfiguration("RequestLimits").ValidateOnStart();
        builder.Services.AddSingleton<RateCounter>();
        builder.Services.AddHostedService(services => services.GetRequiredService<RateCounter>());
        var origins = builder.Configuration.GetSection("RequestLimits:AllowedOrigins").Get<string[]>() ?? [];
        builder.Services.AddCors(cors => cors.AddDefaultPolicy(policy => policy
            .WithOrigins(origins)
            .WithHeaders("Authorization", "Content-Type", "If-Match", "If-None-Match")
            .WithExposedHeaders("Location", "ETag", "Retry-After")
            .WithMethods("GET", "POST", "PUT", "PATCH", "DELETE")));
        return builder;
    }

    /// <summary>Security headers, body limits and CORS: before authentication, so a CORS preflight (no token) is answered.</summary>
    public static WebApplication UseGatewayEdge(this WebApplication app)
    {
        app.Use(SecurityHeadersAndBodyLimit);
        app.UseCors();
        return app;
    }

    /// <summary>Rate limits: after authentication, so they count per user and per service account.</summary>
    public static WebApplication UseGatewayRateLimits(this WebApplication app)
    {
        app.UseMiddleware<RateLimitMiddleware>();
        return app;
    }

    private static Task SecurityHeadersAndBodyLimit(HttpContext context, RequestDelegate next)
    {
        var headers = context.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        if (context.Request.Path.StartsWithSegments("/api"))
        {
            // JSON only: nothing here may run script or be framed.
            headers.ContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'";
        }

        var limits = context.RequestServices.GetRequiredService<IOptionsMonitor<RequestLimitOptions>>().CurrentValue;
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
        {
            bodySize.MaxRequestBodySize = context.Request.Path.Value?.EndsWith(limits.ImportPathSuffix, StringComparison.Ordinal) == true
                ? limits.MaxImportBodyBytes
                : limits.MaxBodyBytes;
        }
        return next(context);
    }
}
