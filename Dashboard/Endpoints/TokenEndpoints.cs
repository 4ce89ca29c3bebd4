using CustomerBase.Dashboard.Resources;
using CustomerBase.ServiceDefaults.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CustomerBase.Dashboard;

/// <summary>A development token per built-in role, as <c>./run.sh token ROLE</c> prints it, to paste into curl or an API tool.</summary>
public static class TokenEndpoints
{
    public sealed record TokenRequest(string Role, string? Team);

    public static void Map(IEndpointRouteBuilder app, ResourceView resources)
    {
        app.MapGet("/api/roles", () => Roles.All);

        app.MapPost("/api/tokens", (TokenRequest request) =>
        {
            if (!Roles.All.Contains(request.Role))
            {
                return Results.ValidationProblem(new Dictionary<string, string[]>
                {
                    ["role"] = [$"must be one of: {string.Join(", ", Roles.All)}"],
                });
            }
            if (resources.System is not { } system)
            {
                return Results.Problem("The system has not been created yet.", statusCode: StatusCodes.Status503ServiceUnavailable);
            }
            var team = string.IsNullOrWhiteSpace(request.Team) ? null : request.Team.Trim();
            return Results.Ok(new { role = request.Role, team, token = system.Issuer.CreateTokenForRole(request.Role, team) });
        });
    }
}
