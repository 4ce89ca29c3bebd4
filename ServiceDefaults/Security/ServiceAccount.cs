using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace CustomerBase.ServiceDefaults.Security;

/// <summary>
/// How a service proves who it is when it calls another service with no user behind the call (a scheduled campaign
/// launch, a trigger, a recompute). Section <c>Authentication:ServiceAccount</c>.
/// With <see cref="TokenEndpoint"/> set, the service asks the company's identity provider for a token with the
/// OAuth 2.0 client-credentials grant; without it, and with the development issuer's <c>SigningKey</c>, it signs its
/// own short-lived token (local runs and tests).
/// </summary>
public sealed class ServiceAccountOptions
{
    public const string Section = "Authentication:ServiceAccount";

    /// <summary>The identity provider's token endpoint, e.g. <c>https://idp.example.com/realms/crm/protocol/openid-connect/token</c>.</summary>
    public string? TokenEndpoint { get; set; }

    public string? ClientId { get; set; }
    public string? ClientSecret { get; set; }

    /// <summary>
    /// The <c>scope</c> sent to the identity provider; by default the permissions the service declares, space-separated.
    /// Some providers want their own form (Entra ID: <c>api://customerbase/.default</c>).
    /// </summary>
    public string? Scope { get; set; }
}

/// <summary>
/// The bearer token of this service's own account (role <c>integration</c>, with exactly the permissions it declared
/// as scopes), cached until a minute before it expires. Used by gRPC clients for calls made outside any request.
/// </summary>
public sealed class ServiceAccountTokens
{
    private static readonly TimeSpan RenewBefore = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan DevelopmentLifetime = TimeSpan.FromMinutes(10);

    private readonly string _serviceName;
    private readonly IReadOnlyList<string> _permissions;
    private readonly ServiceAccountOptions _options;
    private readonly JwtOptions _jwt;
    private readonly Func<HttpClient> _httpClient;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _renewal = new(1, 1);
    private (string Token, DateTimeOffset RenewAt)? _current;

    public ServiceAccountTokens(string serviceName, IReadOnlyList<string> permissions, ServiceAccountOptions options, JwtOptions jwt,
        Func<HttpClient> httpClient, TimeProvider time)
    {
        if (string.IsNullOrEmpty(options.TokenEndpoint) && string.IsNullOrEmpty(jwt.SigningKey))
        {
            throw new InvalidOperationException(
                $"Service account of '{serviceName}' is not configured: set {ServiceAccountOptions.Section}:TokenEndpoint, :ClientId and :ClientSecret (or {JwtOptions.Section}:SigningKey for development).");
        }
        _serviceName = serviceName;
        _permissions = permissions;
        _options = options;
        _jwt = jwt;
        _httpClient = httpClient;
        _time = time;
    }

    /// <summary>The subject of development tokens, so audit trails tell a service's calls from a person's.</summary>
    public string Subject => $"service:{_serviceName}";

    public async ValueTask<string> GetAsync(CancellationToken ct)
    {
        if (_current is { } current && _time.GetUtcNow() < current.RenewAt)
        {
            return current.Token;
        }
        await _renewal.WaitAsync(ct);
        try
        {
            if (_current is { } renewed && _time.GetUtcNow() < renewed.RenewAt)
            {
                return renewed.Token;
            }
            var (token, lifetime) = string.IsNullOrEmpty(_options.TokenEndpoint) ? SignDevelopmentToken() : await RequestTokenAsync(ct);
            _current = (token, _time.GetUtcNow() + lifetime - RenewBefore);
            return token;
        }
        finally
        {
            _renewal.Release();
        }
    }

    private (string, TimeSpan) SignDevelopmentToken()
    {
        var now = _time.GetUtcNow().UtcDateTime;
        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = _jwt.Issuer,
            Audience = _jwt.Audience,
            Subject = new ClaimsIdentity(
            [
                new Claim(ClaimNames.Subject, Subject),
                new Claim(ClaimNames.Role, Roles.Integration),
                new Claim(ClaimNames.Scope, string.Join(' ', _permissions)),
            ]),
            NotBefore = now,
            IssuedAt = now,
            Expires = now + DevelopmentLifetime,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Convert.FromBase64String(_jwt.SigningKey!)), SecurityAlgorithms.HmacSha256),
        });
        return (token, DevelopmentLifetime);
    }

    private async Task<(string, TimeSpan)> RequestTokenAsync(CancellationToken ct)
    {
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = _options.ClientId ?? "",
            ["client_secret"] = _options.ClientSecret ?? "",
            ["scope"] = _options.Scope ?? string.Join(' ', _permissions),
        });
        using var response = await _httpClient().PostAsync(_options.TokenEndpoint, form, ct);
        if (!response.IsSuccessStatusCode)
        {
            // The body may echo the client id; the status is enough to act on.
            throw new InvalidOperationException($"The identity provider refused the service account's token request: {(int)response.StatusCode}.");
        }
        var reply = await response.Content.ReadFromJsonAsync<TokenReply>(ct)
            ?? throw new InvalidOperationException("The identity provider answered the token request with an empty body.");
        if (string.IsNullOrEmpty(reply.AccessToken))
        {
            throw new InvalidOperationException("The identity provider's token reply has no access_token.");
        }
        // Without expires_in, renew often rather than use a token past its life.
        var lifetime = reply.ExpiresIn is > 0 ? TimeSpan.FromSeconds(reply.ExpiresIn.Value) : TimeSpan.FromMinutes(2);
        return (reply.AccessToken, lifetime);
    }

    private sealed record TokenReply(
        [property: JsonPropertyName("access_token")] string? AccessToken,
        [property: JsonPropertyName("expires_in")] int? ExpiresIn);
}

public static class ServiceAccountExtensions
{
    /// <summary>
    /// Gives this service an account of its own, with exactly <paramref name="permissions"/>, for gRPC calls it makes
    /// outside any request (calls inside a request carry the caller's token instead; see
    /// <see cref="GrpcClientExtensions.AddServiceGrpcClient{TClient}"/>).
    /// </summary>
    public static IHostApplicationBuilder AddServiceAccount(this IHostApplicationBuilder builder, string serviceName, params string[] permissions)
    {
        var options = builder.Configuration.GetSection(ServiceAccountOptions.Section).Get<ServiceAccountOptions>() ?? new ServiceAccountOptions();
        var jwt = builder.Configuration.GetSection(JwtOptions.Section).Get<JwtOptions>() ?? new JwtOptions();
        builder.Services.AddHttpClient(nameof(ServiceAccountTokens));
        builder.Services.AddSingleton(sp => new ServiceAccountTokens(serviceName, permissions, options, jwt,
            () => sp.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(ServiceAccountTokens)), TimeProvider.System));
        return builder;
    }
}
