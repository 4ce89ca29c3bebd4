using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CustomerBase.ServiceDefaults.Security;

namespace CustomerBase.IntegrationTests;

/// <summary>The customer card, its concurrency, search and ownership, against the real contacts service.</summary>
public sealed class ContactsTests(SystemFixture fixture)
{
    private readonly HttpClient _api = fixture.Gateway;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A surname no other test uses, so searches see only this test's contacts.</summary>
    /// <summary>Letters only (names are searched by prefix), 26^10 of them: no two tests' contacts share even the prefixes searched below.</summary>
    private static string UniqueSurname() => "Zz" + new string(Enumerable.Range(0, 10).Select(_ => (char)('a' + Random.Shared.Next(26))).ToArray());

    private static JsonObject FullCard(string lastName) => new()
    {
        ["firstName"] = "Irina",
        ["middleName"] = "Petrovna",
        ["lastName"] = lastName,
        ["gender"] = "female",
        ["birthDate"] = "1990-02-15",
        ["language"] = "ru",
        ["timeZone"] = "Europe/Moscow",
        ["demographics"] = new JsonObject { ["occupation"] = "doctor", ["incomeBand"] = "B", ["education"] = "higher", ["maritalStatus"] = "married", ["children"] = 2 },
        ["interests"] = new JsonArray("yoga", "football"),
        ["importantDates"] = new JsonArray(new JsonObject { ["label"] = "husband's birthday", ["date"] = "1988-06-01", ["note"] = "likes whisky" }),
        ["source"] = new JsonObject { ["channel"] = "instagram", ["campaign"] = "spring-2026", ["referredBy"] = null },
        ["emails"] = new JsonArray("irina@example.com", "i.work@example.org"),
        ["phones"] = new JsonArray("+79123456780"),
        ["messengers"] = new JsonArray(new JsonObject { ["kind"] = "telegram", ["handle"] = "@irina" }),
        ["addresses"] = new JsonArray(new JsonObject { ["kind"] = "delivery", ["line1"] = "Lenina 1", ["line2"] = "apt 5", ["city"] = "Kazan", ["region"] = "Tatarstan", ["postalCode"] = "420000", ["country"] = "RU" }),
        ["preferredChannel"] = "sms",
        ["callWindow"] = new JsonObject { ["days"] = new JsonArray("monday", "friday"), ["from"] = "10:00:00", ["to"] = "14:00:00" },
        ["tags"] = new JsonArray("vip"),
        ["ownerId"] = "manager-7",
        ["team"] = "north",
        ["externalId"] = "crm-" + Guid.NewGuid().ToString("N"),
    };

    [Fact]
    public async Task CardRoundTripsEveryField()
    {
        var card = FullCard(UniqueSurname());

        using var created = await _api.PostAsJsonAsync("/api/contacts", card, Ct);
        var read = await _api.GetFromJsonAsync<JsonObject>(created.Headers.Location, Ct);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        foreach (var (field, value) in card)
        {
            Assert.True(JsonNode.DeepEquals(value, read![field]), $"{field}: sent {value?.ToJsonString()}, read {read![field]?.ToJsonString()}");
        }
        Assert.Equal(1, read!["version"]!.GetValue<int>());
    }

    [Fact]
    public async Task PhoneWrittenInFiveWaysIsFoundByEachOfThem()
    {
        var id = await _api.CreateContactAsync(new { firstName = "Piotr", lastName = UniqueSurname(), phones = new[] { "+48 601 234 567" } });
        string[] writtenForms = ["+48601234567", "+48 601-234-567", "+48 (601) 234-567", "(+48) 601 234 567", "+48.601.234.567"];

        foreach (var form in writtenForms)
        {
            var found = await SearchAsync($"phone={Uri.EscapeDataString(form)}");
            Assert.Contains(id, found);
        }
    }

    [Fact]
    public async Task NamePrefixEmailAndFuzzyNameFindTheContact()
    {
        var surname = UniqueSurname();
        var id = await _api.CreateContactAsync(new { firstName = "Anastasia", lastName = surname, emails = new[] { $"{surname}@Example.com" } });

        Assert.Equal([id], await SearchAsync($"q={surname[..8]}"));
        Assert.Equal([id], await SearchAsync($"q=anas%20{surname[..7]}"));
        Assert.Equal([id], await SearchAsync($"email={surname.ToUpperInvariant()}@example.com"));
        Assert.Contains(id, await SearchAsync($"q={surname.Remove(4, 1)}&fuzzy=true")); // one letter missing
    }

    [Theory]
    [InlineData("name")]
    [InlineData("created")] // the name-prefix page: the contacts right after the cursor first, then every match
    public async Task ListPagesThroughEveryMatchOnceWithAKeysetCursor(string sort)
    {
        var surname = UniqueSurname();
        var ids = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await _api.CreateContactAsync(new { firstName = $"Kid{i}", lastName = surname }));
        }

        var seen = new List<Guid>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await _api.GetFromJsonAsync<JsonElement>($"/api/contacts?q={surname}&limit=2&sort={sort}" + (cursor is null ? "" : $"&after={Uri.EscapeDataString(cursor)}"), Ct);
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("id").GetGuid()));
            cursor = page.GetProperty("next").GetString();
            pages++;
        }
        while (cursor is not null && pages < 10);

        Assert.Equal(3, pages);
        Assert.Equal(ids, seen); // created one after the other, and named Kid0…Kid4: both orders are creation order
    }

    [Theory]
    [InlineData("{0}")]
    [InlineData("l {0}")] // several words: the second step scans the rarest one and checks the others
    [InlineData("{0} l")]
    public async Task ANamePrefixPageFindsMatchesBeyondTheContactsRightAfterTheCursor(string query)
    {
        // A page first filters the 2,000 contacts after its cursor; 2,100 others created in between put the later
        // matches beyond them, where only its second step finds them.
        var surname = UniqueSurname();
        var early = await _api.CreateContactAsync("Lena", surname);
        var stranger = await _api.CreateContactAsync("Marek", surname);
        await CreateOthersAsync("Lara");
        var later = new[] { await _api.CreateContactAsync("Lisa", surname), await _api.CreateContactAsync("Ludmila", surname) };
        var q = Uri.EscapeDataString(string.Format(System.Globalization.CultureInfo.InvariantCulture, query, surname));

        var first = await _api.GetFromJsonAsync<JsonElement>($"/api/contacts?q={q}&limit=2", Ct);
        var second = await _api.GetFromJsonAsync<JsonElement>($"/api/contacts?q={q}&limit=2&after={Uri.EscapeDataString(first.GetProperty("next").GetString()!)}", Ct);

        var all = query == "{0}";
        Assert.Equal(all ? [early, stranger] : [early, later[0]], Ids(first));
        Assert.Equal(all ? [later[0], later[1]] : [later[1]], Ids(second));
        Assert.Equal(JsonValueKind.Null, second.GetProperty("next").ValueKind);
    }

    [Fact]
    public async Task EveryWordOfALongNameSearchCounts()
    {
        // Only the first three words may be the one a page's second step scans; the others are still checked. The
        // contacts created after this one put it beyond the first step, however few the base held before.
        var surname = UniqueSurname();
        var id = await _api.CreateContactAsync(new { firstName = "Anna", middleName = "Maria", lastName = surname });
        await CreateOthersAsync("Anita");
        var words = $"an ma {surname[..6]} ann mar {surname}";

        var found = await _api.GetFromJsonAsync<JsonElement>($"/api/contacts?q={Uri.EscapeDataString(words)}", Ct);
        var notFound = await _api.GetFromJsonAsync<JsonElement>($"/api/contacts?q={Uri.EscapeDataString(words + " zzq")}", Ct);

        Assert.Equal([id], Ids(found));
        Assert.Empty(Ids(notFound));
    }

    /// <summary>2,100 contacts with surnames of their own: more than a name-prefix page's first step looks at.</summary>
    private async Task CreateOthersAsync(string firstName)
    {
        var rows = string.Join('\n', Enumerable.Range(0, 2_100).Select(i => $"{firstName}{i},{UniqueSurname()}"));
        var import = await _api.ImportContactsAsync(Encoding.UTF8.GetBytes("first name,last name\n" + rows), "text/csv");
        Assert.Equal(2_100, import.GetProperty("created").GetInt64());
    }

    private static List<Guid> Ids(JsonElement page) => [.. page.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("id").GetGuid())];

    [Fact]
    public async Task MergePatchChangesNamedFieldsRemovesNullsAndKeepsTheRest()
    {
        var card = FullCard(UniqueSurname());
        using var created = await _api.PostAsJsonAsync("/api/contacts", card, Ct);

        using var patched = await PatchAsync(created.Headers.Location!, """{"lastName":"Ivanova","callWindow":null,"demographics":{"children":3}}""", "\"1\"");
        var after = await patched.Content.ReadFromJsonAsync<JsonObject>(Ct);

        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        Assert.Equal("\"2\"", patched.Headers.ETag?.Tag);
        Assert.Equal("Ivanova", after!["lastName"]!.GetValue<string>());
        Assert.Null(after["callWindow"]);
        Assert.Equal(3, after["demographics"]!["children"]!.GetValue<int>());
        Assert.Equal("doctor", after["demographics"]!["occupation"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(card["emails"], after["emails"]));
    }

    [Fact]
    public async Task StaleETagIsRejectedWith412()
    {
        var location = new Uri($"/api/contacts/{await _api.CreateContactAsync(new { firstName = "Olga" })}", UriKind.Relative);
        using var first = await PatchAsync(location, """{"lastName":"A"}""", "\"1\"");

        using var stale = await PatchAsync(location, """{"lastName":"B"}""", "\"1\"");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        var current = await _api.GetFromJsonAsync<JsonElement>(location, Ct);
        Assert.Equal("A", current.GetProperty("lastName").GetString());
    }

    [Fact]
    public async Task OfConcurrentUpdatesWithTheSameETagExactlyOneWins()
    {
        var location = new Uri($"/api/contacts/{await _api.CreateContactAsync(new { firstName = "Boris" })}", UriKind.Relative);

        var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => PatchAsync(location, $$"""{"lastName":"Writer{{i}}"}""", "\"1\"")));

        Assert.Equal(1, answers.Count(a => a.StatusCode == HttpStatusCode.OK));
        Assert.All(answers.Where(a => a.StatusCode != HttpStatusCode.OK), a => Assert.Equal(HttpStatusCode.PreconditionFailed, a.StatusCode));
        foreach (var answer in answers) answer.Dispose();
    }

    [Theory]
    [InlineData("""{"firstName":"Ann","birthDate":"yesterday"}""", "birthDate")]
    [InlineData("""{"firstName":"Ann","emails":["not-an-email"]}""", "emails[0]")]
    [InlineData("""{"firstName":"Ann","timeZone":"Mars/Olympus"}""", "timeZone")]
    [InlineData("""{"firstName":"Ann","callWindow":{"days":["someday"],"from":"14:00","to":"10:00"}}""", "callWindow.days")]
    [InlineData("""{"firstName":"Ann","preferredChannel":"pigeon"}""", "preferredChannel")]
    public async Task InvalidFieldGives400NamingIt(string body, string field)
    {
        using var response = await _api.PostAsync("/api/contacts", new StringContent(body, Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.ReadProblemAsync()).GetProperty("errors").TryGetProperty(field, out _), $"no error for {field}");
    }

    [Fact]
    public async Task NulCharacterInAPatchGives400NamingTheField()
    {
        var location = new Uri($"/api/contacts/{await _api.CreateContactAsync(new { firstName = "Nul" })}", UriKind.Relative);

        using var response = await PatchAsync(location, """{"lastName":"a\u0000b"}""", "\"1\"");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.ReadProblemAsync()).GetProperty("errors").TryGetProperty("lastName", out _));
    }

    [Fact]
    public async Task NulCharacterInAQueryGives400NamingTheParameter()
    {
        using var response = await _api.GetAsync("/api/contacts?q=a%00b", Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.ReadProblemAsync()).GetProperty("errors").TryGetProperty("q", out _));
    }

    [Fact]
    public async Task DuplicateExternalIdGives409()
    {
        var externalId = "erp-" + Guid.NewGuid().ToString("N");
        await _api.CreateContactAsync(new { firstName = "Gleb", externalId });

        using var second = await _api.PostAsJsonAsync("/api/contacts", new { firstName = "Gleb", externalId }, Ct);

        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.True((await second.ReadProblemAsync()).GetProperty("errors").TryGetProperty("externalId", out _));
    }

    [Fact]
    public async Task SalesManagerSeesTheirTeamsContactsOnly()
    {
        var surname = UniqueSurname();
        var north = await _api.CreateContactAsync(new { firstName = "North", lastName = surname, team = "north" });
        var south = await _api.CreateContactAsync(new { firstName = "South", lastName = surname, team = "south" });
        using var northManager = fixture.ClientFor(Roles.SalesManager, team: "north");

        using var own = await northManager.GetAsync($"/api/contacts/{north}", Ct);
        using var other = await northManager.GetAsync($"/api/contacts/{south}", Ct);
        using var patchOther = await northManager.PatchAsync($"/api/contacts/{south}", JsonContent.Create(new { lastName = "X" }), Ct);
        var listed = await northManager.GetFromJsonAsync<JsonElement>($"/api/contacts?q={surname}", Ct);

        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, patchOther.StatusCode);
        Assert.Equal([north], listed.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("id").GetGuid()));
    }

    [Fact]
    public async Task SalesManagersNewContactIsTheirsAndTheirTeams()
    {
        using var manager = fixture.ClientFor(Roles.SalesManager, team: "east");

        using var created = await manager.PostAsJsonAsync("/api/contacts", new { firstName = "Egor", team = "west" }, Ct);
        var card = await created.Content.ReadFromJsonAsync<JsonElement>(Ct);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("east", card.GetProperty("team").GetString());
        Assert.StartsWith(Roles.SalesManager, card.GetProperty("ownerId").GetString());
    }

    [Fact]
    public async Task BulkTagChangesAddAndRemoveTags()
    {
        var surname = UniqueSurname();
        var a = await _api.CreateContactAsync(new { firstName = "A", lastName = surname, tags = new[] { "old" } });
        var b = await _api.CreateContactAsync(new { firstName = "B", lastName = surname, tags = new[] { "old", "keep" } });
        var tag = "promo-" + surname.ToLowerInvariant();

        using var response = await _api.PostAsJsonAsync("/api/contacts/bulk-tags", new { contactIds = new[] { a, b }, add = new[] { tag }, remove = new[] { "old" } }, Ct);
        var result = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);

        Assert.Equal(2, result.GetProperty("updated").GetInt32());
        Assert.Equal(new[] { a, b }.Order(), (await SearchAsync($"tag={tag}")).Order());
        var readB = await _api.GetFromJsonAsync<JsonElement>($"/api/contacts/{b}", Ct);
        Assert.Equal(["keep", tag], readB.GetProperty("tags").EnumerateArray().Select(t => t.GetString()!).Order());
    }

    [Fact]
    public async Task ReadsAfterAnUpdateOrADeleteSeeIt()
    {
        var location = $"/api/contacts/{await _api.CreateContactAsync(new { firstName = "Cached" })}";
        await _api.GetFromJsonAsync<JsonElement>(location, Ct); // now in the cache

        using (await PatchAsync(new Uri(location, UriKind.Relative), """{"firstName":"Changed"}""", "\"1\"")) { }
        var afterUpdate = await _api.GetAsync(location, Ct);
        using (await _api.DeleteAsync(location, Ct)) { }
        using var afterDelete = await _api.GetAsync(location, Ct);

        Assert.Equal("Changed", (await afterUpdate.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("firstName").GetString());
        Assert.Equal("\"2\"", afterUpdate.Headers.ETag?.Tag);
        Assert.Equal(HttpStatusCode.NotFound, afterDelete.StatusCode);
        afterUpdate.Dispose();
    }

    [Fact]
    public async Task DuplicatesAreFoundByEmailPhoneAndNameWithBirthDateWithScoresAndReasons()
    {
        var surname = UniqueSurname();
        var email = $"{surname}@example.com";
        var phone = "+4860" + Random.Shared.Next(1000000, 9999999);
        var original = await _api.CreateContactAsync(new { firstName = "Marta", lastName = surname, birthDate = "1985-03-03", emails = new[] { email }, phones = new[] { phone } });
        var sameEmail = await _api.CreateContactAsync(new { firstName = "M.", lastName = "Other", emails = new[] { email.ToUpperInvariant() } });
        var samePhone = await _api.CreateContactAsync(new { firstName = "Someone", phones = new[] { phone } });
        var sameNameAndBirth = await _api.CreateContactAsync(new { firstName = "Marta", lastName = surname, birthDate = "1985-03-03" });
        var unrelated = await _api.CreateContactAsync(new { firstName = "Marta", lastName = UniqueSurname() });

        var duplicates = await _api.GetFromJsonAsync<JsonElement>($"/api/contacts/{original}/duplicates", Ct);

        var found = duplicates.EnumerateArray().Select(d => (Id: d.GetProperty("contactId").GetGuid(), Reasons: d.GetProperty("reasons")[0].GetString())).ToList();
        Assert.Equal([(sameEmail, "same e-mail"), (sameNameAndBirth, "same name and birth date"), (samePhone, "same phone")], found);
        Assert.DoesNotContain(unrelated, found.Select(f => f.Id));
    }

    [Fact]
    public async Task DeletedContactIsGone()
    {
        var id = await _api.CreateContactAsync(new { firstName = "Temp" });

        using var deleted = await _api.DeleteAsync($"/api/contacts/{id}", Ct);
        using var read = await _api.GetAsync($"/api/contacts/{id}", Ct);

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
    }


    private async Task<List<Guid>> SearchAsync(string query)
    {
        var page = await _api.GetFromJsonAsync<JsonElement>($"/api/contacts?{query}", Ct);
        return page.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("id").GetGuid()).ToList();
    }

    private Task<HttpResponseMessage> PatchAsync(Uri location, string patch, string ifMatch)
    {
        var request = new HttpRequestMessage(HttpMethod.Patch, location)
        {
            Content = new StringContent(patch, Encoding.UTF8, "application/merge-patch+json"),
        };
        request.Headers.IfMatch.Add(EntityTagHeaderValue.Parse(ifMatch));
        return _api.SendAsync(request, Ct);
    }
}
