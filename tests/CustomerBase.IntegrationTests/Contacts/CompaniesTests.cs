using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CustomerBase.ServiceDefaults.Security;

namespace CustomerBase.IntegrationTests.Contacts;

/// <summary>Companies, their staff with roles and working hours, tax-id duplicates and team visibility.</summary>
public sealed class CompaniesTests(SystemFixture fixture)
{
    private readonly HttpClient _api = fixture.ClientFor(Roles.Administrator);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string TaxId() => "PL" + Random.Shared.NextInt64(1_000_000_000, 9_999_999_999);

    private async Task<Guid> CreateCompanyAsync(HttpClient client, object card)
    {
        using var response = await client.PostAsJsonAsync("/api/contacts/companies", card, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
    }

    [Fact]
    public async Task A_company_round_trips_and_lists_its_staff_with_their_roles_channels_and_hours()
    {
        var taxId = TaxId();
        var company = await CreateCompanyAsync(_api, new
        {
            name = "Salon Irina", taxId, industry = "beauty", size = "11-50", website = "https://salon.example",
            address = new { kind = "postal", line1 = "Floriańska 1", city = "Kraków", postalCode = "31-019", country = "pl" },
            emails = new[] { "office@salon.example" }, phones = new[] { "+48 12 345 67 89" }, tags = new[] { "b2b" },
        });
        var director = await _api.CreateContactAsync(new
        {
            firstName = "Irina", lastName = "Nowak", companyId = company, companyRole = "director", phones = new[] { "+48 601 000 111" },
            workingHours = new { days = new[] { "monday", "tuesday" }, from = "09:00", to = "17:00" },
        });
        await _api.CreateContactAsync(new { firstName = "Ewa", companyId = company, companyRole = "chief accountant" });

        var card = await _api.GetFromJsonAsync<JsonElement>($"/api/contacts/companies/{company}", Ct);
        Assert.Equal("Salon Irina", card.GetProperty("name").GetString());
        Assert.Equal("PL", card.GetProperty("address").GetProperty("country").GetString());
        Assert.Equal("+48123456789", card.GetProperty("phones")[0].GetString());
        Assert.Equal("11-50", card.GetProperty("size").GetString());

        var staff = await _api.GetFromJsonAsync<JsonElement>($"/api/contacts/companies/{company}/staff", Ct);
        var people = staff.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(["chief accountant", "director"], people.Select(p => p.GetProperty("companyRole").GetString()).Order());
        var irina = people.Single(p => p.GetProperty("id").GetGuid() == director);
        Assert.Equal("09:00:00", irina.GetProperty("workingHours").GetProperty("from").GetString());
        Assert.Equal(["monday", "tuesday"], irina.GetProperty("workingHours").GetProperty("days").EnumerateArray().Select(d => d.GetString()));

        var byTaxId = await _api.GetFromJsonAsync<JsonElement>($"/api/contacts/companies?taxId={Uri.EscapeDataString(taxId[..2] + " " + taxId[2..5] + "-" + taxId[5..])}", Ct);
        Assert.Equal(company, byTaxId.GetProperty("items")[0].GetProperty("id").GetGuid());
        var byName = await _api.GetFromJsonAsync<JsonElement>("/api/contacts/companies?q=salon%20ir", Ct);
        Assert.Contains(byName.GetProperty("items").EnumerateArray(), c => c.GetProperty("id").GetGuid() == company);

        using var refused = await _api.DeleteAsync($"/api/contacts/companies/{company}", Ct);
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
    }

    [Fact]
    public async Task A_second_company_with_the_same_tax_id_in_another_form_is_a_duplicate()
    {
        var taxId = TaxId();
        var first = await CreateCompanyAsync(_api, new { name = "Alpha", taxId });

        using var second = await _api.PostAsJsonAsync("/api/contacts/companies", new { name = "Alpha Sp. z o.o.", taxId = taxId.ToLowerInvariant().Insert(4, "-") }, Ct);

        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        var problem = await second.ReadProblemAsync();
        Assert.Equal(first, problem.GetProperty("duplicateOf").GetGuid());
        Assert.True(problem.GetProperty("errors").TryGetProperty("taxId", out _));
    }

    [Fact]
    public async Task A_contact_cannot_join_an_unknown_company_and_bad_company_fields_are_named()
    {
        using var unknown = await _api.PostAsJsonAsync("/api/contacts", new { firstName = "Jan", companyId = Guid.NewGuid(), companyRole = "director" }, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.True((await unknown.ReadProblemAsync()).GetProperty("errors").TryGetProperty("companyId", out _));

        using var bad = await _api.PostAsJsonAsync("/api/contacts/companies", new { name = "", size = "huge", phones = new[] { "12" }, address = new { country = "Poland" } }, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var errors = (await bad.ReadProblemAsync()).GetProperty("errors");
        foreach (var field in new[] { "name", "size", "phones[0]", "address.country" })
        {
            Assert.True(errors.TryGetProperty(field, out _), $"{field} missing in {errors}");
        }
    }

    [Fact]
    public async Task Another_teams_company_does_not_exist_for_a_sales_manager_and_is_not_an_employer_they_can_use()
    {
        var ours = fixture.ClientFor(Roles.SalesManager, team: "north");
        var theirs = fixture.ClientFor(Roles.SalesManager, team: "south-" + Guid.NewGuid().ToString("N")[..6]);
        var company = await CreateCompanyAsync(theirs, new { name = "South Ltd" });

        using var read = await ours.GetAsync($"/api/contacts/companies/{company}", Ct);
        Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
        using var join = await ours.PostAsJsonAsync("/api/contacts", new { firstName = "Spy", companyId = company }, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, join.StatusCode);

        using var stale = new HttpRequestMessage(HttpMethod.Patch, $"/api/contacts/companies/{company}")
        {
            Content = new StringContent("""{"industry":"retail"}""", Encoding.UTF8, "application/merge-patch+json"),
            Headers = { IfMatch = { new System.Net.Http.Headers.EntityTagHeaderValue("\"7\"") } },
        };
        using var refused = await theirs.SendAsync(stale, Ct);
        Assert.Equal(HttpStatusCode.PreconditionFailed, refused.StatusCode);
    }
}
