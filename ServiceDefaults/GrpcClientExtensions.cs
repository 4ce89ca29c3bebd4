using Grpc.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using CustomerBase.ServiceDefaults.Security;
using Microsoft.Net.Http.Headers;

namespace CustomerBase.ServiceDefaults;

public static class GrpcClientExtensions
{
    /// <summary>
    /// A typed gRPC client for another service's <c>grpc</c> endpoint, found through service discovery
    /// (<c>services__{service}__grpc__0</c>). The HTTP resilience defaults are removed: their 30 s total timeout
    /// would cut long server streams, and gRPC status codes are the caller's to interpret.
    /// The caller's bearer token goes along, so the called service applies the same user's permissions; a call made
    /// outside any request (background work) carries the service's own account token, if it declared one with
    /// <see cref="Security.ServiceAccountExtensions.AddServiceAccount"/>.
    /// </summary>
    /// <param name="name">
    /// A name for the client when one client type talks to several services (resolve it with
    /// <c>GrpcClientFactory.CreateClient&lt;TClient&gt;(name)</c>); by default the client is typed and unnamed.
    /// </param>
    public static IHttpClientBuilder AddServiceGrpcClient<TClient>(this IServiceCollection services, string service, string? name = null)
        where TClient : ClientBase
    {
#pragma warning disable EXTEXP0001 // RemoveAllResilienceHandlers is marked for evaluation; it is the documented way to opt one client out.
        services.AddHttpContextAccessor();
        services.TryAddTransient<ForwardBearerTokenHandler>();
        var builder = name is null
            ? services.AddGrpcClient<TClient>(o => o.Address = ResourceNames.GrpcAddress(service))
            : services.AddGrpcClient<TClient>(name, o => o.Address = ResourceNames.GrpcAddress(service));
        return builder
            .RemoveAllResilienceHandlers()
            .AddHttpMessageHandler<ForwardBearerTokenHandler>();
#pragma warning restore EXTEXP0001
    }
}

/// <summary>
/// Copies the incoming request's <c>Authorization</c> header onto a call to another service; outside any request, puts
/// the service account's token there. A request without a token (a public route) never borrows the service's account.
/// </summary>
internal sealed class ForwardBearerTokenHandler(IHttpContextAccessor accessor, IServiceProvider services) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Headers.Authorization is null)
        {
            var context = accessor.HttpContext;
            if (context is not null)
            {
                var authorization = context.Request.Headers[HeaderNames.Authorization].ToString();
                if (!string.IsNullOrEmpty(authorization))
                {
                    request.Headers.TryAddWithoutValidation(HeaderNames.Authorization, authorization);
                }
            }
            else if (services.GetService<ServiceAccountTokens>() is { } account)
            {
                request.Headers.Authorization = new("Bearer", await account.GetAsync(cancellationToken));
            }
        }
        return await base.SendAsync(request, cancellationToken);
    }
}
