using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace CustomerBase.IntegrationTests;

/// <summary>The first slice end to end: gateway → service → outbox → RabbitMQ → consumer in another service.</summary>
public sealed class ThroughTheGatewayTests(SystemFixture fixture)
{
    private readonly HttpClient _gateway = fixture.Gateway;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CreatedContactCanBeReadBackFromItsLocation()
    {
        using var response = await _gateway.PostAsJsonAsync("/api/contacts",
            new { firstName = "Irina", lastName = "Petrova", emails = new[] { "irina@example.com" }, phones = new[] { "+7 (912) 345-67-89" } }, Ct);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var location = response.Headers.Location!;
        var contact = await _gateway.GetFromJsonAsync<JsonElement>(location, Ct);
        Assert.Equal("Irina", contact.GetProperty("firstName").GetString());
        Assert.Equal("+79123456789", contact.GetProperty("phones")[0].GetString());
        Assert.Equal("irina@example.com", contact.GetProperty("emails")[0].GetString());
    }

    [Fact]
    public async Task CreatedContactAppearsInSegmentation()
    {
        var id = await _gateway.CreateContactAsync("Anna", "Smirnova");

        var entry = await _gateway.WaitForSegmentationEntryAsync(id);

        Assert.Equal("Anna", entry!.Value.GetProperty("firstName").GetString());
        Assert.Equal(0, entry.Value.GetProperty("orderCount").GetInt32());
    }

    [Fact]
    public async Task RenamedAndDeletedContactsFollowInSegmentation()
    {
        var id = await _gateway.CreateContactAsync("Before");
        await _gateway.WaitForSegmentationEntryAsync(id);

        using var renamed = await _gateway.PatchAsync($"/api/contacts/{id}", JsonContent.Create(new { firstName = "After" }), Ct);
        await _gateway.WaitForSegmentationEntryAsync(id, e => e.GetProperty("firstName").GetString() == "After");
        using var deleted = await _gateway.DeleteAsync($"/api/contacts/{id}", Ct);
        var gone = await Eventually.Until(() => _gateway.SegmentationEntryAsync(id), e => e is null, what: "the deleted contact leaving segmentation");

        Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Null(gone);
    }

    [Fact]
    public async Task MergeKeepsTheChosenValuesUnitesChannelsAndMovesStatistics()
    {
        var survivor = await _gateway.CreateContactAsync(new { firstName = "Anna", lastName = "Typo", emails = new[] { "anna@home.example" }, tags = new[] { "vip" } });
        var duplicate = await _gateway.CreateContactAsync(new { firstName = "Ann", lastName = "Correct", emails = new[] { "anna@work.example" }, phones = new[] { "+48601000111" }, tags = new[] { "b2b" } });
        await PlaceOrderAsync(duplicate, "M-1", ("SKU-9", 1, 40m));
        await _gateway.WaitForSegmentationEntryAsync(survivor);
        await _gateway.WaitForSegmentationEntryAsync(duplicate, e => e.GetProperty("orderCount").GetInt32() == 1);

        using var response = await _gateway.PostAsJsonAsync($"/api/contacts/{survivor}/merge",
            new { mergedIds = new[] { duplicate }, fields = new Dictionary<string, Guid> { ["lastName"] = duplicate } }, Ct);
        var merged = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(("Anna", "Correct"), (merged.GetProperty("firstName").GetString(), merged.GetProperty("lastName").GetString()));
        Assert.Equal(["anna@home.example", "anna@work.example"], merged.GetProperty("emails").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["+48601000111"], merged.GetProperty("phones").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["b2b", "vip"], merged.GetProperty("tags").EnumerateArray().Select(e => e.GetString()!).Order());
        using var gone = await _gateway.GetAsync($"/api/contacts/{duplicate}", Ct);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        // ContactMerged reached segmentation: the duplicate's order now counts for the survivor.
        var entry = await _gateway.WaitForSegmentationEntryAsync(survivor, e => e.GetProperty("orderCount").GetInt32() == 1);
        Assert.Equal(40m, entry!.Value.GetProperty("totalSpent").GetDecimal());
        Assert.Null(await Eventually.Until(() => _gateway.SegmentationEntryAsync(duplicate), e => e is null, what: "the merged entry leaving segmentation"));
    }

    [Fact]
    public async Task MergeNamingAFieldThatCannotBeChosenGives400()
    {
        var survivor = await _gateway.CreateContactAsync(new { firstName = "A" });
        var other = await _gateway.CreateContactAsync(new { firstName = "B" });

        using var response = await _gateway.PostAsJsonAsync($"/api/contacts/{survivor}/merge",
            new { mergedIds = new[] { other }, fields = new Dictionary<string, Guid> { ["emails"] = other } }, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.ReadProblemAsync()).GetProperty("errors").TryGetProperty("fields.emails", out _));
    }


    [Fact]
    public async Task OrdersUpdateThePurchaseStatistics()
    {
        var id = await _gateway.CreateContactAsync("Oleg");

        await PlaceOrderAsync(id, "A-1", ("SKU-1", 2, 5.00m));
        await PlaceOrderAsync(id, "A-2", ("SKU-2", 1, 5.50m), ("SKU-3", 3, 0.25m));

        var entry = await _gateway.WaitForSegmentationEntryAsync(id, e => e.GetProperty("orderCount").GetInt32() == 2);
        Assert.Equal(16.25m, entry!.Value.GetProperty("totalSpent").GetDecimal());
        Assert.NotEqual(JsonValueKind.Null, entry.Value.GetProperty("lastOrderAt").ValueKind);
    }

    [Fact]
    public async Task GrantChangesTheAudiencePreview()
    {
        var granted = await _gateway.CreateContactAsync("Maria");
        var notAsked = await _gateway.CreateContactAsync("Pavel");
        await _gateway.WaitForSegmentationEntryAsync(granted);
        await _gateway.WaitForSegmentationEntryAsync(notAsked);

        var before = await PreviewAsync(granted, notAsked);
        using var grant = await _gateway.PostAsJsonAsync($"/api/consent/{granted}/grants", new { purpose = "marketing", channel = "email", source = "paper-form", evidence = new { documentRef = "signed-form-1" } }, Ct);
        var after = await PreviewAsync(granted, notAsked);

        Assert.Equal(HttpStatusCode.Created, grant.StatusCode);
        Assert.Equal((2, 0, 2), (before.GetProperty("total").GetInt32(), before.GetProperty("allowed").GetInt32(), before.GetProperty("deniedReasons").GetProperty("noConsent").GetInt32()));
        Assert.Equal((2, 1, 1), (after.GetProperty("total").GetInt32(), after.GetProperty("allowed").GetInt32(), after.GetProperty("deniedReasons").GetProperty("noConsent").GetInt32()));
    }

    [Fact]
    public async Task MissingRequiredFieldGivesProblemDetailsNamingIt()
    {
        using var response = await _gateway.PostAsJsonAsync("/api/contacts", new { lastName = "Ivanov" }, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.ReadProblemAsync();
        Assert.True(problem.GetProperty("errors").TryGetProperty("firstName", out _));
    }

    [Fact]
    public async Task InvalidPhoneGivesProblemDetailsNamingTheEntry()
    {
        using var response = await _gateway.PostAsJsonAsync("/api/contacts", new { firstName = "Ivan", phones = new[] { "+79123456789", "call me" } }, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.ReadProblemAsync()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("phones[1]", out _));
        Assert.False(errors.TryGetProperty("phones[0]", out _));
    }

    [Fact]
    public async Task MalformedJsonGivesProblemDetails()
    {
        using var body = new StringContent("{\"firstName\": \"Ivan\", ", Encoding.UTF8, "application/json");
        using var response = await _gateway.PostAsync("/api/contacts", body, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.ReadProblemAsync();
        Assert.True(problem.TryGetProperty("errors", out var errors) && errors.EnumerateObject().Any());
    }

    [Fact]
    public async Task WrongTypeForAFieldGivesProblemDetailsNamingIt()
    {
        using var body = new StringContent("{\"firstName\": 42}", Encoding.UTF8, "application/json");
        using var response = await _gateway.PostAsync("/api/contacts", body, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.ReadProblemAsync()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("firstName", out _));
    }

    [Fact]
    public async Task OrderWhoseTotalDiffersFromItsLinesIsRefused()
    {
        var id = Guid.NewGuid();
        using var response = await _gateway.PostAsJsonAsync("/api/interactions", new
        {
            contactId = id,
            kind = "order",
            order = new { number = "B-1", currency = "EUR", total = 99.0m, lines = new[] { new { sku = "X", quantity = 1, unitPrice = 10.0m } } },
        }, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.ReadProblemAsync()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("order.total", out _));
    }

    [Fact]
    public async Task OrderForAnUnknownContactIsRefused()
    {
        using var response = await _gateway.PostAsJsonAsync("/api/interactions", Order(Guid.NewGuid()), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.ReadProblemAsync()).GetProperty("errors").TryGetProperty("contactId", out _));
    }

    [Fact]
    public async Task SalesManagerCannotRecordAnOrderForAnotherTeamsContact()
    {
        var theirs = await _gateway.CreateContactAsync(new { firstName = "Theirs", team = "west" });
        using var eastManager = fixture.ClientFor(CustomerBase.ServiceDefaults.Security.Roles.SalesManager, team: "east");

        using var response = await eastManager.PostAsJsonAsync("/api/interactions", Order(theirs), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.ReadProblemAsync()).GetProperty("errors").TryGetProperty("contactId", out _));
    }

    private static object Order(Guid contactId) => new
    {
        contactId,
        kind = "order",
        order = new { number = "C-1", currency = "EUR", total = 10.0m, lines = new[] { new { sku = "X", quantity = 1, unitPrice = 10.0m } } },
    };

    [Theory]
    [InlineData("/api/contacts/{0}")]
    [InlineData("/api/segments/contacts/{0}")]
    [InlineData("/api/interactions/{0}")]
    public async Task UnknownIdGives404(string pathFormat)
    {
        using var response = await _gateway.GetAsync(string.Format(pathFormat, Guid.NewGuid()), Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task GatewayAndEveryServiceReportHealthy()
    {
        foreach (var service in fixture.System.Services)
        {
            using var client = new HttpClient { BaseAddress = service.HttpUrl };
            using var response = await client.GetAsync("/health", Ct);
            Assert.True(response.IsSuccessStatusCode, $"{service.Name} /health answered {(int)response.StatusCode}");
        }
    }

    private async Task PlaceOrderAsync(Guid contactId, string number, params (string Sku, decimal Quantity, decimal UnitPrice)[] lines)
    {
        var total = lines.Sum(l => l.Quantity * l.UnitPrice);
        using var response = await _gateway.PostAsJsonAsync("/api/interactions", new
        {
            contactId,
            kind = "order",
            order = new
            {
                number,
                currency = "EUR",
                total,
                lines = lines.Select(l => new { sku = l.Sku, name = l.Sku, category = "care", quantity = l.Quantity, unitPrice = l.UnitPrice }),
            },
        }, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    private async Task<JsonElement> PreviewAsync(params Guid[] contactIds)
    {
        using var response = await _gateway.PostAsJsonAsync("/api/campaigns/audience-preview",
            new { purpose = "marketing", channel = "email", audience = new { contactIds } }, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
    }
}
