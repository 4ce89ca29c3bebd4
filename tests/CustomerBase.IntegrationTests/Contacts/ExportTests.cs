using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CustomerBase.ServiceDefaults.Security;
using MiniExcelLibs;

namespace CustomerBase.IntegrationTests.Contacts;

/// <summary>Exports: chosen fields and filter, CSV and XLSX, the export permission and the daily quota.</summary>
public sealed class ExportTests(SystemFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Unique() => "t" + Guid.NewGuid().ToString("N")[..10];

    /// <summary>Creates contacts tagged with a tag no other test uses, through a client of its own.</summary>
    private static async Task SeedAsync(HttpClient api, string tag, int count)
    {
        for (var i = 0; i < count; i++)
        {
            await api.CreateContactAsync(new { firstName = $"Zofia{i}", lastName = "Ąę-Ш", emails = new[] { $"z{i}.{tag}@example.com" }, tags = new[] { tag } });
        }
    }

    [Fact]
    public async Task A_csv_export_holds_the_chosen_fields_of_exactly_the_filtered_contacts()
    {
        var api = fixture.ClientFor(Roles.Administrator);
        var tag = Unique();
        await SeedAsync(api, tag, 3);
        await api.CreateContactAsync(new { firstName = "Other", emails = new[] { $"other.{tag}@example.com" } });

        using var response = await api.GetAsync($"/api/contacts/export?tag={tag}&fields=firstName,lastName,emails", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var text = Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync(Ct)).TrimStart('\uFEFF');
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal("First name,Last name,E-mail", lines[0]);
        Assert.Equal(["Zofia0,Ąę-Ш,z0." + tag + "@example.com", "Zofia1,Ąę-Ш,z1." + tag + "@example.com", "Zofia2,Ąę-Ш,z2." + tag + "@example.com"], lines[1..].Order());
    }

    [Fact]
    public async Task An_xlsx_export_opens_as_a_workbook_with_the_same_rows()
    {
        var api = fixture.ClientFor(Roles.HeadOfSales);
        var tag = Unique();
        await SeedAsync(api, tag, 2);

        var bytes = await api.GetByteArrayAsync($"/api/contacts/export?tag={tag}&format=xlsx&fields=firstName,tags", Ct);

        using var workbook = new MemoryStream(bytes);
        var rows = (await workbook.QueryAsync(useHeaderRow: true, cancellationToken: Ct)).Cast<IDictionary<string, object>>().ToList();
        Assert.Equal(["Zofia0", "Zofia1"], rows.Select(r => r["First name"].ToString()).Order());
        Assert.All(rows, r => Assert.Equal(tag, r["Tags"].ToString()));
    }

    [Fact]
    public async Task An_export_past_the_daily_quota_is_refused_whole_with_429()
    {
        var api = fixture.ClientFor(Roles.Administrator);
        var tag = Unique();
        await SeedAsync(api, tag, 8);

        using var first = await api.GetAsync($"/api/contacts/export?tag={tag}", Ct);
        using var second = await api.GetAsync($"/api/contacts/export?tag={tag}", Ct);
        using var third = await api.GetAsync($"/api/contacts/export?tag={tag}", Ct);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode); // 8 + 8 + 8 > 20
        var problem = await third.ReadProblemAsync();
        Assert.Contains("16", problem.GetProperty("detail").GetString());
        using var narrower = await api.GetAsync($"/api/contacts/export?tag={tag}&email=z1.{tag}@example.com", Ct);
        Assert.Equal(HttpStatusCode.OK, narrower.StatusCode); // 1 more row still fits
    }

    [Fact]
    public async Task An_export_is_in_the_audit_trail_with_who_what_and_how_many_rows()
    {
        var subject = $"head-of-sales-{Guid.NewGuid():N}";
        var api = fixture.ClientFor(Roles.HeadOfSales, subject: subject);
        var tag = Unique();
        await SeedAsync(api, tag, 3);

        using var export = await api.GetAsync($"/api/contacts/export?tag={tag}&fields=firstName,emails", Ct);
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);

        using var auditor = fixture.ClientFor(Roles.Auditor);
        var trail = await Eventually.Until(() => auditor.GetFromJsonAsync<JsonElement>($"/api/consent/audit?actor={subject}", Ct),
            p => p.GetProperty("items").GetArrayLength() > 0, what: "the export in the audit trail");
        var entry = Assert.Single(trail.GetProperty("items").EnumerateArray());
        Assert.Equal("contacts.export.csv", entry.GetProperty("what").GetString());
        Assert.Equal(3, entry.GetProperty("rowCount").GetInt32());
        Assert.Contains($"tag={tag}", entry.GetProperty("filter").GetString());
        Assert.Contains("fields=firstName,emails", entry.GetProperty("filter").GetString());
    }

    [Theory]
    [InlineData(Roles.Marketer)]
    [InlineData(Roles.SalesManager)]
    [InlineData(Roles.Support)]
    public async Task Roles_without_the_export_permission_get_403(string role)
    {
        using var response = await fixture.ClientFor(role).GetAsync("/api/contacts/export", Ct);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task An_unknown_field_or_format_is_refused_naming_it()
    {
        using var response = await fixture.ClientFor(Roles.Administrator).GetAsync("/api/contacts/export?fields=firstName,salary&format=pdf", Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.ReadProblemAsync()).GetProperty("errors");
        Assert.Contains("salary", errors.GetProperty("fields")[0].GetString());
        Assert.True(errors.TryGetProperty("format", out _));
    }
}
