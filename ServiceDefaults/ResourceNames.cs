namespace CustomerBase.ServiceDefaults;

/// <summary>
/// The names that tie the AppHost and the services together (Aspire conventions):
/// connection strings are <c>ConnectionStrings__{name}</c>, endpoints <c>services__{service}__{endpoint}__0</c>.
/// Declared once here so the AppHost, the services and the tests cannot drift apart.
/// </summary>
public static class ResourceNames
{
    public const string Contacts = "contacts";
    public const string Interactions = "interactions";
    public const string Segmentation = "segmentation";
    public const string Campaigns = "campaigns";
    public const string Consent = "consent";
    public const string Gateway = "gateway";

    public const string ContactsDb = "contactsdb";
    public const string InteractionsDb = "interactionsdb";
    public const string SegmentationDb = "segmentationdb";
    public const string CampaignsDb = "campaignsdb";
    public const string ConsentDb = "consentdb";

    public const string Redis = "redis";
    public const string EventBus = "eventbus";

    /// <summary>Endpoint names: plain HTTP/1.1 for REST, HTTP/2 without TLS for gRPC.</summary>
    public const string HttpEndpoint = "http";
    public const string GrpcEndpoint = "grpc";

    /// <summary>The address a client uses to reach a service's gRPC endpoint through service discovery.</summary>
    public static Uri GrpcAddress(string service) => new($"http://_{GrpcEndpoint}.{service}");

    /// <summary>The address a client uses to reach a service's HTTP endpoint through service discovery.</summary>
    public static Uri HttpAddress(string service) => new($"http://{service}");
}
