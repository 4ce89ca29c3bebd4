namespace CustomerBase.ServiceDefaults.Security;

/// <summary>
/// Who may issue tokens for the API (section <c>Authentication:Jwt</c>). A company plugs in its own identity provider
/// with <see cref="Authority"/> (keys from its OpenID Connect discovery document); local runs and tests use a
/// shared <see cref="SigningKey"/> from the AppHost's development issuer.
/// </summary>
public sealed class JwtOptions
{
    public const string Section = "Authentication:Jwt";

    public string Issuer { get; set; } = "";
    public string Audience { get; set; } = "";

    /// <summary>The identity provider's base URL; its signing keys are discovered and rotated automatically.</summary>
    public string? Authority { get; set; }

    /// <summary>A base64 HMAC-SHA256 key, for the development issuer only.</summary>
    public string? SigningKey { get; set; }

    public bool IsValid => Issuer.Length > 0 && Audience.Length > 0 && (!string.IsNullOrEmpty(Authority) || !string.IsNullOrEmpty(SigningKey));
}

/// <summary>Claim names in our tokens. Kept as the IdP writes them (no mapping to WS-Federation URIs).</summary>
public static class ClaimNames
{
    public const string Subject = "sub";
    public const string Role = "role";
    public const string Team = "team";
    public const string Scope = "scope";
}
