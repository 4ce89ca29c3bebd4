using CustomerBase.ServiceDefaults;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;

namespace CustomerBase.Gateway;

/// <summary>
/// Which public path prefix goes to which service. Destinations come from the service-discovery configuration
/// (<c>services__{service}__http__0</c>) the AppHost or Kubernetes provides, so the gateway has no addresses of its own.
/// </summary>
public static class GatewayRoutes
{
    public static readonly IReadOnlyList<(string PathPrefix, string Service)> Table =
    [
        ("/api/contacts", ResourceNames.Contacts),
        ("/api/interactions", ResourceNames.Interactions),
        ("/api/segments", ResourceNames.Segmentation),
        ("/api/campaigns", ResourceNames.Campaigns),
        ("/api/consent", ResourceNames.Consent),
    ];

    public static IHostApplicationBuilder AddGatewayRoutes(this IHostApplicationBuilder builder)
    {
        var routes = new List<RouteConfig>();
        var clusters = new List<ClusterConfig>();
        foreach (var (prefix, service) in Table)
        {
            var address = builder.Configuration[$"services:{service}:{ResourceNames.HttpEndpoint}:0"]
                ?? throw new InvalidOperationException($"No address for service '{service}' (services__{service}__{ResourceNames.HttpEndpoint}__0).");
            routes.Add(new RouteConfig
            {
                RouteId = service,
                ClusterId = service,
                // "{**rest}" also matches the prefix itself, so /api/contacts and /api/contacts/{id} both route.
                Match = new RouteMatch { Path = prefix + "/{**rest}" },
                // The gateway turns away requests without a valid token; each service checks the permission itself.
                AuthorizationPolicy = "default",
            });
            // Each service's OpenAPI document, published at /openapi/{service}.json for the reference UI at /docs.
            routes.Add(new RouteConfig
            {
                RouteId = service + "-openapi",
                ClusterId = service,
                Match = new RouteMatch { Path = $"/openapi/{service}.json" },
                AuthorizationPolicy = "anonymous",
                Transforms = [new Dictionary<string, string> { ["PathSet"] = OpenApiExtensions.DocumentPath }],
            });
            clusters.Add(new ClusterConfig
            {
                ClusterId = service,
                Destinations = new Dictionary<string, DestinationConfig> { [service] = new() { Address = address } },
                HttpRequest = new ForwarderRequestConfig { ActivityTimeout = TimeSpan.FromMinutes(2) },
            });
        }

        // Unsubscribe links in messages: the person who follows one has no token. Only these two routes of consent are public.
        routes.Add(new RouteConfig
        {
            RouteId = "consent-unsubscribe",
            ClusterId = ResourceNames.Consent,
            Match = new RouteMatch { Path = "/unsubscribe/{token}", Methods = ["GET", "POST"] },
            AuthorizationPolicy = "anonymous",
        });

        builder.Services.AddReverseProxy().LoadFromMemory(routes, clusters);
        return builder;
    }
}
