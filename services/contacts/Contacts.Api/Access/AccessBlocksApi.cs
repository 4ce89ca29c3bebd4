using CustomerBase.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CustomerBase.Contacts.Access;

/// <summary>
/// Users whose access to contacts was suspended by the bulk-read alarm: every contacts route answers them 403 until an
/// administrator lifts the block here.
/// </summary>
public static class AccessBlocksApi
{
    public static IEndpointRouteBuilder MapAccessBlocksApi(this IEndpointRouteBuilder app)
    {
        app.MapDelete("api/contacts/access-blocks/{userId}", LiftAccessBlock).WithName(nameof(LiftAccessBlock)).RequireAuthorization(Permissions.ContactsConfigure);
        return app;
    }

    public static async Task<NoContent> LiftAccessBlock(string userId, BulkAccessMonitor monitor)
    {
        await monitor.UnblockAsync(userId);
        return TypedResults.NoContent();
    }

    /// <summary>Refuses a blocked user on every contacts route (the endpoint to lift blocks excepted, for administrators).</summary>
    public static IApplicationBuilder UseAccessBlocks(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var monitor = context.RequestServices.GetRequiredService<BulkAccessMonitor>();
        if (context.User.Identity?.IsAuthenticated == true && monitor.IsBlocked(context.User)
            && context.Request.Path.StartsWithSegments("/api/contacts"))
        {
            await Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Access to contacts is suspended.",
                detail: "You read unusually many contacts in a short time; an administrator can lift the suspension.").ExecuteAsync(context);
            return;
        }
        await next(context);
    });
}
