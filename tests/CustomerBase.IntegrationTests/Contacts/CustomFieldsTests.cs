using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CustomerBase.ServiceDefaults.Security;

namespace CustomerBase.IntegrationTests.Contacts;

/// <summary>Typed custom fields: defined once, checked on every write, carried by import and export.</summary>
public sealed class CustomFieldsTests(SystemFixture fixture)
{
    private readonly HttpClient _api = fixture.ClientFor(Roles.Administrator);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Keys unique to one test: definitions are shared by the whole base.</summary>
    private static string Key(string name) => $"{name}_{Guid.NewGuid().ToString("N")[..8]}";

    private async Task DefineAsync(string key, string label, string type, params string[] choices)
    {
        using var response = await _api.PutAsJsonAsync($"/api/contacts/custom-fields/{key}", new { label, type, choices }, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task Values_of_every_type_round_trip_and_a_wrong_type_or_unknown_field_is_refused_by_name()
    {
        var (size, master, visit, vip, note) = (Key("shoe"), Key("master"), Key("visit"), Key("vip"), Key("note"));
        await DefineAsync(size, "Shoe size", "number");
        await DefineAsync(master, "Favourite master", "choice", "Olga", "Marta");
        await DefineAsync(visit, "First visit", "date");
        await DefineAsync(vip, "VIP card", "boolean");
        await DefineAsync(note, "Note", "text");

        var id = await _api.CreateContactAsync(new Dictionary<string, object>
        {
            ["firstName"] = "Irina",
            ["customFields"] = new Dictionary<string, object> { [size] = 38.5, [master] = "Olga", [visit] = "2026-02-15", [vip] = true, [note] = "likes tea" },
        });
        var card = await _api.GetFromJsonAsync<JsonElement>($"/api/contacts/{id}", Ct);
        var fields = card.GetProperty("customFields");
        Assert.Equal(38.5m, fields.GetProperty(size).GetDecimal());
        Assert.Equal("Olga", fields.GetProperty(master).GetString());
        Assert.Equal("2026-02-15", fields.GetProperty(visit).GetString());
        Assert.True(fields.GetProperty(vip).GetBoolean());
        Assert.Equal("likes tea", fields.GetProperty(note).GetString());

        using var wrong = await _api.PostAsJsonAsync("/api/contacts", new Dictionary<string, object>
        {
            ["firstName"] = "Bad",
            ["customFields"] = new Dictionary<string, object> { [size] = "big", [master] = "Anna", [visit] = "15.02.2026", ["nosuchfield"] = 1 },
        }, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        var errors = (await wrong.ReadProblemAsync()).GetProperty("errors");
        Assert.Contains("number", errors.GetProperty($"customFields.{size}")[0].GetString());
        Assert.Contains("Olga", errors.GetProperty($"customFields.{master}")[0].GetString());
        Assert.True(errors.TryGetProperty($"customFields.{visit}", out _));
        Assert.True(errors.TryGetProperty("customFields.nosuchfield", out _));
    }

    [Fact]
    public async Task A_field_in_use_cannot_be_deleted_until_its_values_are_cleared_with_a_merge_patch()
    {
        var key = Key("loyalty");
        await DefineAsync(key, "Loyalty card", "text");
        var id = await _api.CreateContactAsync(new Dictionary<string, object> { ["firstName"] = "Olga", ["customFields"] = new Dictionary<string, object> { [key] = "L-1" } });

        using var refused = await _api.DeleteAsync($"/api/contacts/custom-fields/{key}", Ct);
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);

        using var patch = new HttpRequestMessage(HttpMethod.Patch, $"/api/contacts/{id}")
        {
            Content = new StringContent($$$"""{"customFields":{"{{{key}}}":null}}""", Encoding.UTF8, "application/merge-patch+json"),
        };
        using var cleared = await _api.SendAsync(patch, Ct);
        Assert.Equal(HttpStatusCode.OK, cleared.StatusCode);
        Assert.False((await cleared.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("customFields").TryGetProperty(key, out _));

        using var deleted = await _api.DeleteAsync($"/api/contacts/custom-fields/{key}", Ct);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
    }

    [Fact]
    public async Task Only_roles_that_configure_the_base_define_fields_and_a_bad_definition_is_refused()
    {
        using var marketer = await fixture.ClientFor(Roles.Marketer).PutAsJsonAsync($"/api/contacts/custom-fields/{Key("x")}", new { label = "X", type = "text" }, Ct);
        Assert.Equal(HttpStatusCode.Forbidden, marketer.StatusCode);

        using var bad = await _api.PutAsJsonAsync("/api/contacts/custom-fields/1bad key", new { label = "", type = "colour", choices = Array.Empty<string>() }, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var errors = (await bad.ReadProblemAsync()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("key", out _));
        Assert.True(errors.TryGetProperty("label", out _));
        Assert.True(errors.TryGetProperty("type", out _));
    }

    [Fact]
    public async Task An_import_fills_a_custom_field_by_its_label_and_the_export_writes_it_back()
    {
        var key = Key("size");
        var label = $"Rozmiar {key[^8..]}";
        await DefineAsync(key, label, "number");
        var run = Guid.NewGuid().ToString("N")[..10];

        using var content = new StringContent($"Imię,Nazwisko,{label}\nAnna,{run},\"37,5\"\nEwa,{run},duży\n", Encoding.UTF8, "text/csv");
        using var started = await _api.PostAsync("/api/contacts/imports", content, Ct);
        var job = await Eventually.Until(() => _api.GetFromJsonAsync<JsonElement>(started.Headers.Location, Ct),
            j => j.GetProperty("status").GetString() is "completed" or "failed", TimeSpan.FromSeconds(60), "import finished");
        Assert.Equal(1, job.GetProperty("created").GetInt64());
        Assert.Equal(1, job.GetProperty("failed").GetInt64());

        var csv = await _api.GetStringAsync($"/api/contacts/export?q={run}&fields=firstName,customFields.{key}", Ct);
        var lines = csv.TrimStart('\uFEFF').Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal([$"First name,{label}", "Anna,37.5"], lines);
    }
}
