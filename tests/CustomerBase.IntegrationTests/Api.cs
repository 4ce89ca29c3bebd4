using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace CustomerBase.IntegrationTests;

/// <summary>Small helpers for calling the API through the gateway in tests.</summary>
public static class Api
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static Task<Guid> CreateContactAsync(this HttpClient gateway, string firstName, string? lastName = null) =>
        gateway.CreateContactAsync(new { firstName, lastName });

    /// <summary>Creates a contact from any card (an anonymous object in the API's shape) and returns its id.</summary>
    public static async Task<Guid> CreateContactAsync(this HttpClient gateway, object card)
    {
        using var response = await gateway.PostAsJsonAsync("/api/contacts", card, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        return body.GetProperty("id").GetGuid();
    }

    /// <summary>Uploads a contacts import (CSV or XLSX) and waits for its job to end; returns the job.</summary>
    public static async Task<JsonElement> ImportContactsAsync(this HttpClient gateway, byte[] file, string contentType, string query = "")
    {
        using var content = new ByteArrayContent(file);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        using var response = await gateway.PostAsync($"/api/contacts/imports{query}", content, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return await gateway.WaitForContactsImportAsync(response.Headers.Location!);
    }

    public static Task<JsonElement> WaitForContactsImportAsync(this HttpClient gateway, Uri job) =>
        Eventually.Until(() => gateway.GetFromJsonAsync<JsonElement>(job, TestContext.Current.CancellationToken),
            state => state.GetProperty("status").GetString() is "completed" or "failed", TimeSpan.FromSeconds(60), "import job finished");

    /// <summary>The segmentation entry of a contact, or null while segmentation has not seen it (404).</summary>
    public static async Task<JsonElement?> SegmentationEntryAsync(this HttpClient gateway, Guid contactId)
    {
        using var response = await gateway.GetAsync($"/api/segments/contacts/{contactId}", TestContext.Current.CancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
    }

    public static Task<JsonElement?> WaitForSegmentationEntryAsync(this HttpClient gateway, Guid contactId, Func<JsonElement, bool>? until = null) =>
        Eventually.Until(() => gateway.SegmentationEntryAsync(contactId), e => e is { } entry && (until?.Invoke(entry) ?? true),
            what: $"segmentation entry of {contactId}");

    public static async Task<JsonElement> ReadProblemAsync(this HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
    }
}
