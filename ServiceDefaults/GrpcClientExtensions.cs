using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerBase.ServiceDefaults;

public static class GrpcClientExtensions
{
    /// <summary>
    /// A typed gRPC client for another service's <c>grpc</c> endpoint, found through service discovery
    /// (<c>services__{service}__grpc__0</c>). The HTTP resilience defaults are removed: their 30 s total timeout
    /// would cut long server streams, and gRPC status codes are the caller's to interpret.
    /// </summary>
    public static IHttpClientBuilder AddServiceGrpcClient<TClient>(this IServiceCollection services, string service)
        where TClient : ClientBase
    {
#pragma warning disable EXTEXP0001 // RemoveAllResilienceHandlers is marked for evaluation; it is the documented way to opt one client out.
        return services.AddGrpcClient<TClient>(o => o.Address = ResourceNames.GrpcAddress(service))
            .RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
    }
}
