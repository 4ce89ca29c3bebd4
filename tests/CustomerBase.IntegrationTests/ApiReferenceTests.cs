using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace CustomerBase.IntegrationTests;

/// <summary>Every service's OpenAPI document, published at the gateway with the bearer scheme, and the reference UI at /docs.</summary>
public sealed class ApiReferenceTests(SystemFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("contacts", "/api/contacts")]
    [InlineData("interactions", "/api/interactions")]
    [InlineData("segmentation", "/api/segments/contacts/{id}")]
    [InlineData("campaigns", "/api/campaigns/audience-preview")]
    [InlineData("consent", "/api/consent/{contactId}/grants")]
    public async Task EachServicesDocumentIsPublishedWithTheBearerScheme(string service, string expectedPath)
    {
        using var anonymous = fixture.ClientFor(role: null);

        var document = await anonymous.GetFromJsonAsync<JsonElement>($"/openapi/{service}.json", Ct);

        Assert.True(document.GetProperty("paths").TryGetProperty(expectedPath, out _), $"{expectedPath} is not in the {service} document");
        Assert.Equal("bearer", document.GetProperty("components").GetProperty("securitySchemes").GetProperty("Bearer").GetProperty("scheme").GetString());
    }

    [Fact]
    public async Task ReferenceUiIsServedAtDocs()
    {
        using var anonymous = fixture.ClientFor(role: null);

        using var response = await anonymous.GetAsync("/docs", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        // Scalar resolves the document URLs against the site root: /openapi/contacts.json, served by the gateway.
        Assert.Contains("\"url\":\"openapi/contacts.json\"", await response.Content.ReadAsStringAsync(Ct));
    }
}
