namespace CustomerBase.Gateway.Hardening;

/// <summary>Request body limits: small for ordinary calls, large only on import routes (paths ending in <c>/imports</c>).</summary>
public sealed class RequestLimitOptions
{
    public long MaxBodyBytes { get; set; } = 1 * 1024 * 1024;
    public long MaxImportBodyBytes { get; set; } = 2L * 1024 * 1024 * 1024;
    public string ImportPathSuffix { get; set; } = "/imports";

    /// <summary>Browser origins allowed to call the API (CORS); none by default.</summary>
    public string[] AllowedOrigins { get; set; } = [];
}
