using System.Net;
using System.Text;
using CustomerBase.ServiceDefaults.Security;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace CustomerBase.UnitTests.Security;

public sealed class ServiceAccountTokensTests
{
    private const string SigningKey = "c2VydmljZS1hY2NvdW50LXRlc3Qta2V5LTMyLWJ5dGVzISE=";
    private static readonly JwtOptions Development = new() { Issuer = "https://issuer.test", Audience = "api.test", SigningKey = SigningKey };
    private static readonly string[] Permissions = ["segments.read", "consent.read"];
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task DevelopmentTokenIsAnIntegrationAccountWithExactlyTheDeclaredScopes()
    {
        var tokens = new ServiceAccountTokens("campaigns", Permissions, new ServiceAccountOptions(), Development, () => throw new InvalidOperationException("no IdP in development"), _time);

        var token = await tokens.GetAsync(CancellationToken.None);

        var validation = await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = Development.Issuer,
            ValidAudience = Development.Audience,
            IssuerSigningKey = new SymmetricSecurityKey(Convert.FromBase64String(SigningKey)),
            LifetimeValidator = (notBefore, expires, _, _) => notBefore <= _time.GetUtcNow().UtcDateTime && _time.GetUtcNow().UtcDateTime < expires,
        });
        Assert.True(validation.IsValid, validation.Exception?.Message);
        Assert.Equal("service:campaigns", validation.Claims[ClaimNames.Subject]);
        Assert.Equal(Roles.Integration, validation.Claims[ClaimNames.Role]);
        Assert.Equal("segments.read consent.read", validation.Claims[ClaimNames.Scope]);
    }

    [Fact]
    public async Task TokenIsReusedUntilAMinuteBeforeItExpires()
    {
        var tokens = new ServiceAccountTokens("campaigns", Permissions, new ServiceAccountOptions(), Development, () => throw new InvalidOperationException(), _time);
        var first = await tokens.GetAsync(CancellationToken.None);

        _time.Advance(TimeSpan.FromMinutes(8));
        Assert.Equal(first, await tokens.GetAsync(CancellationToken.None));

        _time.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
        Assert.NotEqual(first, await tokens.GetAsync(CancellationToken.None));
    }

    [Fact]
    public async Task IdentityProviderIsAskedWithTheClientCredentialsGrantAndItsExpiryIsHonoured()
    {
        var idp = new RecordingTokenEndpoint(HttpStatusCode.OK, """{"access_token":"from-idp","token_type":"Bearer","expires_in":300}""");
        var options = new ServiceAccountOptions { TokenEndpoint = "https://idp.test/token", ClientId = "crm-campaigns", ClientSecret = "s3cret" };
        var tokens = new ServiceAccountTokens("campaigns", Permissions, options, new JwtOptions { Issuer = "i", Audience = "a", Authority = "https://idp.test" },
            () => new HttpClient(idp), _time);

        Assert.Equal("from-idp", await tokens.GetAsync(CancellationToken.None));
        _time.Advance(TimeSpan.FromMinutes(3));
        Assert.Equal("from-idp", await tokens.GetAsync(CancellationToken.None));
        Assert.Equal(1, idp.Requests);
        Assert.Equal("grant_type=client_credentials&client_id=crm-campaigns&client_secret=s3cret&scope=segments.read+consent.read", idp.LastForm);

        _time.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
        await tokens.GetAsync(CancellationToken.None);
        Assert.Equal(2, idp.Requests);
    }

    [Fact]
    public async Task RefusalNamesTheStatusButNotTheClient()
    {
        var idp = new RecordingTokenEndpoint(HttpStatusCode.Unauthorized, """{"error":"invalid_client","error_description":"client crm-campaigns unknown"}""");
        var options = new ServiceAccountOptions { TokenEndpoint = "https://idp.test/token", ClientId = "crm-campaigns", ClientSecret = "wrong" };
        var tokens = new ServiceAccountTokens("campaigns", Permissions, options, Development, () => new HttpClient(idp), _time);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => tokens.GetAsync(CancellationToken.None).AsTask());
        Assert.Contains("401", error.Message);
        Assert.DoesNotContain("crm-campaigns", error.Message);
    }

    [Fact]
    public void NeitherIdentityProviderNorDevelopmentKeyIsAConfigurationError() =>
        Assert.Throws<InvalidOperationException>(() => new ServiceAccountTokens("campaigns", Permissions, new ServiceAccountOptions(),
            new JwtOptions { Issuer = "i", Audience = "a", Authority = "https://idp.test" }, () => new HttpClient(), _time));

    private sealed class RecordingTokenEndpoint(HttpStatusCode status, string body) : HttpMessageHandler
    {
        public int Requests { get; private set; }
        public string? LastForm { get; private set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests++;
            LastForm = await request.Content!.ReadAsStringAsync(cancellationToken);
            return new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        }
    }
}
