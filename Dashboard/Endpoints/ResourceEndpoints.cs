using CustomerBase.Dashboard.Resources;
using CustomerBase.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CustomerBase.Dashboard;

/// <summary>The resource list, each resource's console output, and the restart and stop buttons.</summary>
public static class ResourceEndpoints
{
    public sealed record ResourceJson(
        string Name, string Kind, string State, string? Health, int? ProcessId, DateTimeOffset? StartedAt, double? UptimeSeconds,
        IReadOnlyList<string> Urls);

    public static void Map(IEndpointRouteBuilder app, ResourceView resources)
    {
        app.MapGet("/api/resources", () => resources.All.Select(r => new ResourceJson(
            r.Name, r.Kind, r.State.ToString(), resources.Health(r), r.ProcessId, r.StartedAt,
            r.StartedAt is { } started ? Math.Round((DateTimeOffset.UtcNow - started).TotalSeconds) : null, r.Urls)));

        app.MapGet("/api/resources/{name}/console", (string name, long? after) =>
            resources.Find(name) is { } resource ? Results.Ok(resource.Console.Since(after ?? 0)) : Results.NotFound());

        app.MapPost("/api/resources/{name}/restart", (string name) => Act(resources, name, "restart", (r, ct) => r.RestartAsync(ct)));
        app.MapPost("/api/resources/{name}/stop", (string name) => Act(resources, name, "stop", (r, ct) => r.StopAsync(ct)));
    }

    /// <summary>Starts the action and answers at once; the list shows its progress, and a failure lands in the resource's console.</summary>
    private static IResult Act(ResourceView resources, string name, string action, Func<IResource, CancellationToken, Task> run)
    {
        if (resources.Find(name) is not { } resource)
        {
            return Results.NotFound();
        }
        resource.Console.Add($"[dashboard] {action} requested");
        _ = Task.Run(async () =>
        {
            try
            {
                await run(resource, CancellationToken.None);
            }
            catch (Exception e)
            {
                resource.Console.Add($"[dashboard] {action} failed: {e.Message}", isError: true);
            }
        });
        return Results.Accepted();
    }
}
