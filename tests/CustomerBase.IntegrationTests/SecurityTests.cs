using System.Net;
using System.Net.Http.Json;
using System.Text;
using CustomerBase.Hosting;
using CustomerBase.ServiceDefaults;
using CustomerBase.ServiceDefaults.Security;

namespace CustomerBase.IntegrationTests;

/// <summary>Authentication at the gateway and again in each service; permissions per role; problem details for 401 and 403.</summary>
public sealed class SecurityTests(SystemFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Every public route, with a body that would be valid, so only authentication or authorization can refuse it.</summary>
    public static TheoryData<string, string, string?> Routes()
    {
        var id = Guid.NewGuid();
        return new()
        {
            { "POST", "/api/contacts", """{"firstName":"Ivan"}""" },
            { "GET", $"/api/contacts/{id}", null },
            { "PATCH", $"/api/contacts/{id}", """{"lastName":"Ivanov"}""" },
            { "DELETE", $"/api/contacts/{id}", null },
            { "GET", "/api/contacts?q=iva", null },
            { "POST", "/api/contacts/bulk-tags", $$$"""{"contactIds":["{{{id}}}"],"add":["vip"]}""" },
            { "POST", "/api/interactions", $$$"""{"contactId":"{{{id}}}","kind":"order","order":{"number":"1","currency":"EUR","total":1,"lines":[{"sku":"a","quantity":1,"unitPrice":1}]}}""" },
            { "GET", $"/api/interactions/{id}", null },
            { "GET", $"/api/contacts/{id}/duplicates", null },
            { "POST", $"/api/contacts/{id}/merge", $$$"""{"mergedIds":["{{{Guid.NewGuid()}}}"]}""" },
            { "GET", $"/api/segments/contacts/{id}", null },
            { "POST", $"/api/consent/{id}/grants", """{"purpose":"marketing","channel":"email"}""" },
            { "GET", $"/api/consent/{id}/history", null },
            { "GET", $"/api/consent/{id}/state", null },
            { "POST", $"/api/consent/{id}/records", """{"action":"withdraw","purpose":"marketing","channel":"email"}""" },
            { "POST", "/api/consent/records", $$$"""{"records":[{"contactId":"{{{id}}}","action":"withdraw","purpose":"marketing","channel":"email"}]}""" },
            { "POST", "/api/consent/confirmations", """{"token":"x"}""" },
            { "POST", "/api/consent/suppressions", """{"emails":["a@example.com"]}""" },
            { "POST", "/api/consent/suppressions/lookup", """{"emails":["a@example.com"]}""" },
            { "POST", $"/api/consent/{id}/transfers", """{"recipient":"Courier Ltd","purpose":"service","legalBasis":"contract","transferredAt":"2026-11-01T00:00:00Z"}""" },
            { "GET", $"/api/consent/{id}/transfers", null },
            { "POST", $"/api/consent/{id}/export", null },
            { "POST", $"/api/consent/{id}/erasure", null },
            { "GET", $"/api/consent/erasures/{id}", null },
            { "POST", "/api/campaigns/audience-preview", $$$"""{"purpose":"marketing","channel":"email","audience":{"contactIds":["{{{id}}}"]}}""" },
        };
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task NoTokenGives401ProblemDetails(string method, string path, string? body)
    {
        using var client = fixture.ClientFor(role: null);

        using var response = await client.SendAsync(Request(method, path, body), Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        await response.ReadProblemAsync();
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task RoleWithoutThePermissionGives403ProblemDetails(string method, string path, string? body)
    {
        // The auditor reads the audit trail and nothing else.
        using var client = fixture.ClientFor(Roles.Auditor);

        using var response = await client.SendAsync(Request(method, path, body), Ct);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var problem = await response.ReadProblemAsync();
        Assert.Equal(403, problem.GetProperty("status").GetInt32());
    }

    [Theory]
    [InlineData(Roles.Marketer, "POST", "/api/contacts", HttpStatusCode.Forbidden)]
    [InlineData(Roles.Analyst, "GET", "/api/segments/contacts/{0}", HttpStatusCode.Forbidden)]
    [InlineData(Roles.Support, "POST", "/api/contacts", HttpStatusCode.Created)]
    [InlineData(Roles.SalesManager, "GET", "/api/contacts/{0}", HttpStatusCode.NotFound)] // may read contacts, but not outside their team
    [InlineData(Roles.Marketer, "GET", "/api/contacts/{0}", HttpStatusCode.OK)]
    public async Task RolesGetWhatTheTableGrants(string role, string method, string pathFormat, HttpStatusCode expected)
    {
        var id = await fixture.Gateway.CreateContactAsync("Vera");
        await fixture.Gateway.WaitForSegmentationEntryAsync(id);
        using var client = fixture.ClientFor(role);

        using var response = await client.SendAsync(Request(method, string.Format(pathFormat, id), """{"firstName":"Vera"}"""), Ct);

        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task ServiceAccountMayDoOnlyWhatItsScopesSay()
    {
        using var importer = fixture.ClientFor(Roles.Integration, scopes: [Permissions.ContactsWrite]);

        using var created = await importer.PostAsJsonAsync("/api/contacts", new { firstName = "Lena" }, Ct);
        using var read = await importer.GetAsync(created.Headers.Location, Ct);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, read.StatusCode);
    }

    [Fact]
    public async Task ForgedTokenGives401()
    {
        using var other = new TemporaryDataDirectory("forger");
        var forged = new DevelopmentIssuer(other.Path).CreateToken(Roles.Administrator);
        using var client = fixture.ClientFor(role: null);
        client.DefaultRequestHeaders.Authorization = new("Bearer", forged);

        using var response = await client.GetAsync($"/api/contacts/{Guid.NewGuid()}", Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task ExpiredTokenGives401()
    {
        var expired = fixture.System.Issuer.CreateToken(Roles.Administrator, lifetime: TimeSpan.FromMinutes(5), notBefore: DateTime.UtcNow.AddHours(-1));
        using var client = fixture.ClientFor(role: null);
        client.DefaultRequestHeaders.Authorization = new("Bearer", expired);

        using var response = await client.GetAsync($"/api/contacts/{Guid.NewGuid()}", Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task ServiceCalledDirectlyWithoutTokenGives401()
    {
        // Services trust nothing the gateway might have checked: they validate the token themselves.
        using var direct = new HttpClient { BaseAddress = fixture.System.Service(ResourceNames.Contacts).HttpUrl };

        using var response = await direct.GetAsync($"/api/contacts/{Guid.NewGuid()}", Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private static HttpRequestMessage Request(string method, string path, string? body) => new(new HttpMethod(method), path)
    {
        Content = method is "GET" or "DELETE" || body is null ? null : new StringContent(body, Encoding.UTF8, "application/json"),
    };
}
