using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using CustomerBase.ServiceDefaults.Security;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace CustomerBase.ServiceDefaults;

public static class Extensions
{
    public const string HealthPath = "/health";
    public const string AlivePath = "/alive";
    private const string LiveTag = "live";

    /// <summary>Telemetry, health checks, service discovery, resilient HttpClients and problem details.</summary>
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();
        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddStandardResilienceHandler();
            http.AddServiceDiscovery();
        });
        builder.AddDefaultAuthentication();
        builder.AddDefaultOpenApi();
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<BadRequestExceptionHandler>();
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.Converters.Add(new NoNulStringConverter()));
        // Malformed request bodies throw instead of answering a bare 400, so the handler above can name the field.
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        return builder;
    }

    /// <summary>
    /// Logs, traces and metrics over OTLP/HTTP protobuf when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (the AppHost sets
    /// it to its dashboard, which reads OTLP/HTTP only). Without an endpoint nothing is collected: spans nobody exports
    /// would cost CPU on every request. W3C trace context still flows between services either way.
    /// </summary>
    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        if (builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"] is not { Length: > 0 } endpoint)
        {
            return builder;
        }

        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter("MassTransit", "Npgsql", TelemetrySources.Messaging))
            .WithTracing(tracing => tracing
                .AddSource(builder.Environment.ApplicationName, "MassTransit", "Npgsql", TelemetrySources.Messaging)
                .AddAspNetCoreInstrumentation(o => o.Filter = context => !IsHealthPath(context.Request.Path))
                .AddGrpcClientInstrumentation()
                .AddHttpClientInstrumentation(o => o.FilterHttpRequestMessage = request =>
                    request.RequestUri is null || !IsHealthPath(request.RequestUri.AbsolutePath)))
            // Signal paths (/v1/traces, /v1/logs, /v1/metrics) are appended to the base endpoint.
            .UseOtlpExporter(OtlpExportProtocol.HttpProtobuf, new Uri(endpoint));

        return builder;
    }

    private static bool IsHealthPath(PathString path) =>
        path.StartsWithSegments(HealthPath) || path.StartsWithSegments(AlivePath);

    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), [LiveTag]);
        return builder;
    }

    /// <summary>
    /// Problem details for errors, authentication and authorization (every endpoint needs a valid token unless it says
    /// otherwise), and <c>/health</c> (ready: every dependency answers) and <c>/alive</c>, anonymous, in every environment.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.UseExceptionHandler();
        // 401 and 403 leave authentication without a body: status code pages answer them as problem details.
        app.UseStatusCodePages();
        app.Use(NulQueryGuard.InvokeAsync);
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapDefaultOpenApi();
        app.MapHealthChecks(HealthPath).AllowAnonymous();
        app.MapHealthChecks(AlivePath, new HealthCheckOptions { Predicate = r => r.Tags.Contains(LiveTag) }).AllowAnonymous();
        return app;
    }
}
