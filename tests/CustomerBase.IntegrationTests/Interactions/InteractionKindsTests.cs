using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CustomerBase.ServiceDefaults.Security;

namespace CustomerBase.IntegrationTests.Interactions;

/// <summary>Every kind recorded, read back, corrected and deleted through the gateway; bad payloads named by field.</summary>
public sealed class InteractionKindsTests(SystemFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly HttpClient _gateway = fixture.Gateway;

    public static TheoryData<string, string> Kinds => new()
    {
        { "call", """{"channel":"phone","direction":"out","note":"Agreed on Friday","call":{"durationSeconds":185,"outcome":"answered","recordingUrl":"https://rec.example.com/1.mp3"}}""" },
        { "email", """{"direction":"in","subject":"Invoice question","email":{"threadId":"t-42"}}""" },
        { "meeting", """{"subject":"Quarterly review","meeting":{"durationMinutes":45,"location":"Office 3","attendees":["anna","piotr"]}}""" },
        { "visit", """{"note":"Pedicure and coffee","visit":{"location":"Salon Mokotow","durationMinutes":60,"services":["pedicure"]}}""" },
        { "message", """{"direction":"in","note":"Can I move my visit?","message":{"messenger":"telegram","threadId":"chat-7"}}""" },
        { "order", """{"order":{"number":"R-1","currency":"PLN","total":31.5,"status":"paid","paymentStatus":"paid","lines":[{"sku":"A","name":"Cream","category":"care","quantity":3,"unitPrice":10.5}]}}""" },
        { "complaint", """{"subject":"Late delivery","complaint":{"category":"delivery","status":"resolved","resolution":"Refunded shipping"}}""" },
        { "request", """{"subject":"Change address","request":{"category":"account"}}""" },
        { "review", """{"note":"Lovely staff","review":{"rating":5,"source":"google"}}""" },
        { "survey", """{"survey":{"survey":"nps-2026","question":"Would you recommend us?","answer":"yes","score":9}}""" },
        { "note", """{"subject":"Allergy","note":"Allergic to lavender oil"}""" },
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task EveryKindRoundTrips(string kind, string details)
    {
        var contactId = await _gateway.CreateContactAsync("Kind", kind);
        var body = JsonNodeWith(details, contactId, kind);

        var created = await _gateway.RecordAsync(body);
        using var read = await _gateway.GetAsync($"/api/interactions/{created.GetProperty("id").GetGuid()}", Ct);
        var stored = await read.Content.ReadFromJsonAsync<JsonElement>(Ct);

        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(kind, stored.GetProperty("kind").GetString());
        Assert.Equal(contactId, stored.GetProperty("contactId").GetGuid());
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 10, 0, 0, TimeSpan.Zero), stored.GetProperty("occurredAt").GetDateTimeOffset());
        var sent = JsonDocument.Parse(details).RootElement;
        foreach (var common in new[] { "channel", "direction", "subject", "note" })
        {
            if (sent.TryGetProperty(common, out var value))
            {
                Assert.Equal(value.GetString(), stored.GetProperty(common).GetString());
            }
        }
        if (sent.TryGetProperty(kind, out var kindDetails) && kindDetails.ValueKind == JsonValueKind.Object)
        {
            // Every detail sent comes back in the payload (statuses live in the common 'status' field).
            foreach (var property in kindDetails.EnumerateObject())
            {
                var back = property.Name == "status" ? stored.GetProperty("status") : stored.GetProperty("payload").GetProperty(property.Name);
                Assert.Equal(Normalise(property.Value), Normalise(back));
            }
        }
        Assert.False(string.IsNullOrEmpty(stored.GetProperty("author").GetString()));
        Assert.NotEmpty(await fixture.OutboxAsync("InteractionRecorded", created.GetProperty("id").GetGuid()));
    }

    private static string Normalise(JsonElement e) => e.ValueKind == JsonValueKind.Number ? e.GetDecimal().ToString(System.Globalization.CultureInfo.InvariantCulture) : e.GetRawText();

    private static System.Text.Json.Nodes.JsonObject JsonNodeWith(string details, Guid contactId, string kind)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(details)!.AsObject();
        node["contactId"] = contactId;
        node["kind"] = kind;
        node["occurredAt"] = "2026-03-01T10:00:00Z";
        return node;
    }

    [Theory]
    [InlineData("""{"kind":"order","order":{"number":"X","currency":"EUR","total":99,"lines":[{"sku":"A","quantity":1,"unitPrice":10}]}}""", "order.total")]
    [InlineData("""{"kind":"order","order":{"number":"X","currency":"EUX","total":10,"lines":[{"sku":"A","quantity":1,"unitPrice":10}]}}""", "order.currency")]
    [InlineData("""{"kind":"order","order":{"number":"X","currency":"EUR","total":-10,"lines":[{"sku":"A","quantity":-1,"unitPrice":10}]}}""", "order.lines[0].quantity")]
    [InlineData("""{"kind":"telepathy"}""", "kind")]
    [InlineData("""{"kind":"review","review":{"rating":6}}""", "review.rating")]
    [InlineData("""{"kind":"note","note":"x","order":{"number":"X"}}""", "order")]
    [InlineData("""{"kind":"complaint","complaint":{"status":"resolved"}}""", "complaint.resolution")]
    [InlineData("""{"kind":"call","call":{"durationSeconds":"long"}}""", "call.durationSeconds")]
    public async Task PayloadThatDoesNotFitItsKindIsRefusedNamingTheField(string body, string field)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(body)!.AsObject();
        node["contactId"] = Guid.NewGuid();
        using var content = new StringContent(node.ToJsonString(), System.Text.Encoding.UTF8, "application/json");

        using var response = await _gateway.PostAsync("/api/interactions", content, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.ReadProblemAsync()).GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out _) || errors.TryGetProperty("$." + field, out _), errors.GetRawText());
    }

    [Fact]
    public async Task OrderMovesAlongItsPipelineAndADisallowedMoveIsAConflict()
    {
        var contactId = await _gateway.CreateContactAsync("Pipeline", "Order");
        var id = (await _gateway.RecordAsync(Timeline.Order(contactId, "P-1"))).GetProperty("id").GetGuid();

        using var paid = await _gateway.PostAsJsonAsync($"/api/interactions/{id}/status", new { status = "paid" }, Ct);
        using var backToNew = await _gateway.PostAsJsonAsync($"/api/interactions/{id}/status", new { status = "new" }, Ct);
        using var skipToDelivered = await _gateway.PostAsJsonAsync($"/api/interactions/{id}/status", new { status = "delivered" }, Ct);

        Assert.Equal(HttpStatusCode.OK, paid.StatusCode);
        var order = await paid.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("paid", order.GetProperty("status").GetString());
        Assert.Equal("paid", order.GetProperty("payload").GetProperty("paymentStatus").GetString());
        Assert.Equal(HttpStatusCode.Conflict, backToNew.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, skipToDelivered.StatusCode);
        Assert.True((await skipToDelivered.ReadProblemAsync()).GetProperty("errors").TryGetProperty("status", out _));
        var changed = Assert.Single(await fixture.OutboxAsync("OrderStatusChanged", id));
        var evt = JsonDocument.Parse(changed.Body).RootElement;
        Assert.Equal(("new", "paid"), (evt.GetProperty("previousStatus").GetString(), evt.GetProperty("status").GetString()));
        Assert.Equal("SKU-care", evt.GetProperty("lines")[0].GetProperty("sku").GetString());
    }

    [Fact]
    public async Task ComplaintIsResolvedWithItsResolution()
    {
        var contactId = await _gateway.CreateContactAsync("Complaint", "Resolved");
        var id = (await _gateway.RecordAsync(new { contactId, kind = "complaint", subject = "Broken jar" })).GetProperty("id").GetGuid();

        using var withoutResolution = await _gateway.PostAsJsonAsync($"/api/interactions/{id}/status", new { status = "resolved" }, Ct);
        using var resolved = await _gateway.PostAsJsonAsync($"/api/interactions/{id}/status", new { status = "resolved", resolution = "Sent a new one" }, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, withoutResolution.StatusCode);
        var body = await resolved.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("resolved", body.GetProperty("status").GetString());
        Assert.Equal("Sent a new one", body.GetProperty("payload").GetProperty("resolution").GetString());
    }

    [Fact]
    public async Task CorrectionReplacesTheFieldsAndDeletionRemovesIt()
    {
        var contactId = await _gateway.CreateContactAsync("Correct", "Me");
        var id = (await _gateway.RecordAsync(Timeline.Note(contactId, "first version"))).GetProperty("id").GetGuid();

        using var corrected = await _gateway.PutAsJsonAsync($"/api/interactions/{id}", new { contactId, kind = "note", note = "second version" }, Ct);
        using var kindChange = await _gateway.PutAsJsonAsync($"/api/interactions/{id}", new { contactId, kind = "review", review = new { rating = 3 } }, Ct);
        using var deleted = await _gateway.DeleteAsync($"/api/interactions/{id}", Ct);
        using var gone = await _gateway.GetAsync($"/api/interactions/{id}", Ct);

        Assert.Equal(HttpStatusCode.OK, corrected.StatusCode);
        Assert.Equal("second version", (await corrected.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("note").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, kindChange.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Single(await fixture.OutboxAsync("InteractionDeleted", id));
    }

    [Fact]
    public async Task AnotherTeamsContactsInteractionsAreNotFound()
    {
        var theirs = await _gateway.CreateContactAsync(new { firstName = "West", team = "west" });
        var id = (await _gateway.RecordAsync(Timeline.Note(theirs, "west only"))).GetProperty("id").GetGuid();
        using var eastManager = fixture.ClientFor(Roles.SalesManager, team: "east");

        using var byId = await eastManager.GetAsync($"/api/interactions/{id}", Ct);
        using var timeline = await eastManager.GetAsync($"/api/interactions?contactId={theirs}", Ct);

        Assert.Equal(HttpStatusCode.NotFound, byId.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, timeline.StatusCode);
    }
}
