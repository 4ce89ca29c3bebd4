using CustomerBase.Dashboard.Otlp;
using CustomerBase.Dashboard.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CustomerBase.Dashboard;

/// <summary>Structured logs, traces and metrics as received over OTLP, with the filters the pages offer.</summary>
public static class TelemetryEndpoints
{
    public static void Map(IEndpointRouteBuilder app, TelemetryStores telemetry, OtlpReceiver otlp)
    {
        app.MapGet("/api/logs", (string? resource, string? level, string? traceId, string? search) =>
            telemetry.Logs.Query(Blank(resource), Blank(level), Blank(traceId), Blank(search)));

        app.MapGet("/api/traces", (string? resource, string? search) => telemetry.Spans.Traces(Blank(resource), Blank(search)));

        app.MapGet("/api/traces/{traceId}", (string traceId) =>
            telemetry.Spans.Trace(traceId) is { Count: > 0 } spans
                ? Results.Ok(spans.Select(s => new { span = s, category = s.Category }))
                : Results.NotFound());

        app.MapGet("/api/metrics/{resource}", (string resource) => new
        {
            key = telemetry.Metrics.KeyCharts(resource),
            all = telemetry.Metrics.Metrics(resource),
        });

        app.MapGet("/api/metrics/{resource}/chart", (string resource, string name) =>
            telemetry.Metrics.Chart(resource, name) is { } chart ? Results.Ok(chart) : Results.NotFound());

        app.MapGet("/api/telemetry/status", () => new
        {
            spans = telemetry.Spans.Count,
            logs = telemetry.Logs.Count,
            droppedExports = otlp.Dropped,
            malformedExports = otlp.Malformed,
        });
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
