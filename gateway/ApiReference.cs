using Scalar.AspNetCore;

namespace CustomerBase.Gateway;

/// <summary>The API reference at <c>/docs</c>: every service's OpenAPI document in one Scalar UI, served offline.</summary>
public static class ApiReference
{
    public static WebApplication MapApiReference(this WebApplication app)
    {
        app.MapScalarApiReference("/docs", options =>
        {
            options.WithTitle("CustomerBase API");
            foreach (var (_, service) in GatewayRoutes.Table)
            {
                options.AddDocument(service, service, $"/openapi/{service}.json");
            }
        }).AllowAnonymous();
        return app;
    }
}
