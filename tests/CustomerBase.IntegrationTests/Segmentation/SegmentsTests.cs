using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CustomerBase.IntegrationTests.Interactions;
using CustomerBase.Segmentation.Contracts.Grpc;
using CustomerBase.ServiceDefaults;
using CustomerBase.ServiceDefaults.Security;
using Grpc.Core;
using Grpc.Net.Client;
using Npgsql;

namespace CustomerBase.IntegrationTests.Segmentation;

/// <summary>Segments through the running system: rules from events, static lists, previews, errors, team scope, Audience.Resolve.</summary>
public sealed class SegmentsTests(SystemFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly HttpClient _gateway = fixture.Gateway;

    private static string UniqueTag() => "t" + Guid.NewGuid().ToString("N")[..12];

    private async Task<JsonElement> CreateSegmentAsync(object body)
    {
        using var response = await _gateway.PostAsJsonAsync("/api/segments", body, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private async Task<IReadOnlyList<Guid>> MembersAsync(Guid segmentId)
    {
        var page = await _gateway.GetFromJsonAsync<JsonElement>($"/api/segments/{segmentId}/members?limit=1000", Ct);
        return [.. page.GetProperty("contactIds").EnumerateArray().Select(e => e.GetGuid())];
    }

    /// <summary>Bodies of segmentation's outbox rows of one event type that mention a contact.</summary>
    private async Task<IReadOnlyList<JsonElement>> OutboxAsync(string eventType, Guid contactId)
    {
        await using var connection = new NpgsqlConnection(fixture.System.Postgres.ConnectionString(ResourceNames.SegmentationDb));
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(
            "SELECT body::text FROM outbox_messages WHERE message_type LIKE @type AND body->>'contactId' = @id ORDER BY created_at", connection);
        command.Parameters.AddWithValue("type", $"CustomerBase.Segmentation.Contracts.{eventType},%");
        command.Parameters.AddWithValue("id", contactId.ToString());
        var rows = new List<JsonElement>();
        await using var reader = await command.ExecuteReaderAsync(Ct);
        while (await reader.ReadAsync(Ct))
        {
            rows.Add(JsonDocument.Parse(reader.GetString(0)).RootElement.Clone());
        }
        return rows;
    }

    [Fact]
    public async Task AnOrderMovesAContactIntoASegmentAndTheChangeIsPublishedOnce()
    {
        var tag = UniqueTag();
        var buyer = await _gateway.CreateContactAsync(new { firstName = "Seg", lastName = "Buyer", tags = new[] { tag } });
        var bystander = await _gateway.CreateContactAsync(new { firstName = "Seg", lastName = "Bystander", tags = new[] { tag } });
        await _gateway.WaitForSegmentationEntryAsync(bystander);
        var segment = await CreateSegmentAsync(new { name = "Buyers " + tag, kind = "dynamic", rule = $"\"{tag}\" in tags and orders >= 1 and stage = \"new\"" });
        var segmentId = segment.GetProperty("id").GetGuid();
        Assert.Equal(0, segment.GetProperty("members").GetInt64());

        await _gateway.RecordAsync(Timeline.Order(buyer, "SEG-1", unitPrice: 25m));

        var members = await Eventually.Until(() => MembersAsync(segmentId), m => m.Count > 0, what: "the buyer entering the segment");
        Assert.Equal([buyer], members);
        var published = await Eventually.Until(() => OutboxAsync("SegmentMembershipChanged", buyer), rows => rows.Count > 0, what: "SegmentMembershipChanged in the outbox");
        var entered = Assert.Single(published);
        Assert.Equal(segmentId, entered.GetProperty("segmentId").GetGuid());
        Assert.Equal(0, entered.GetProperty("change").GetInt32()); // Entered
        Assert.Empty(await OutboxAsync("SegmentMembershipChanged", bystander));

        // The stage moved from potential to new, announced once per change.
        var stages = await Eventually.Until(() => OutboxAsync("LifecycleStageChanged", buyer), rows => rows.Count == 2, what: "two stage changes");
        Assert.Equal(["potential", "new"], stages.Select(s => s.GetProperty("stage").GetString()));

        // A second order makes the buyer active: it leaves the "new" segment, once.
        await _gateway.RecordAsync(Timeline.Order(buyer, "SEG-2", unitPrice: 25m));
        await Eventually.Until(() => MembersAsync(segmentId), m => m.Count == 0, what: "the buyer leaving the segment");
        var changes = await OutboxAsync("SegmentMembershipChanged", buyer);
        Assert.Equal([0, 1], changes.Select(c => c.GetProperty("change").GetInt32()));
        var entry = await _gateway.WaitForSegmentationEntryAsync(buyer, e => e.GetProperty("orderCount").GetInt32() == 2);
        Assert.Equal("active", entry!.Value.GetProperty("stage").GetString());
        Assert.Equal(50m, entry.Value.GetProperty("totalSpent").GetDecimal());
    }

    [Theory]
    [InlineData("stage = \"active\" and age between 20", 36, "'and'")]
    [InlineData("stage = ", 9, "a string in double quotes")]
    [InlineData("stage == \"active\"", 8, "a string in double quotes")]
    [InlineData("(orders > 1", 12, "')'")]
    public async Task ARuleThatDoesNotParseIs400WithThePositionAndWhatWasExpected(string rule, int position, string expected)
    {
        using var response = await _gateway.PostAsJsonAsync("/api/segments/preview", new { rule }, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.ReadProblemAsync();
        Assert.Equal(position, problem.GetProperty("position").GetInt32());
        Assert.Contains(expected, problem.GetProperty("expected").EnumerateArray().Select(e => e.GetString()));
        Assert.Contains($"position {position}", problem.GetProperty("errors").GetProperty("rule")[0].GetString());
    }

    [Fact]
    public async Task AnUnknownFieldOrAWrongValueIs400NamingIt()
    {
        using var unknown = await _gateway.PostAsJsonAsync("/api/segments/preview", new { rule = "orders > 1 and shoe_size = 44" }, Ct);
        var problem = await unknown.ReadProblemAsync();
        Assert.Equal(16, problem.GetProperty("position").GetInt32());
        Assert.Contains("Unknown field 'shoe_size'", problem.GetProperty("errors").GetProperty("rule")[0].GetString());

        // The JSON form names the path of the offending condition.
        using var json = await _gateway.PostAsJsonAsync("/api/segments/preview",
            new { rule = new { and = new object[] { new { field = "orders", op = ">", value = 1 }, new { field = "stage", op = "=", value = "sleepy" } } } }, Ct);
        var jsonProblem = await json.ReadProblemAsync();
        Assert.True(jsonProblem.GetProperty("errors").TryGetProperty("rule.and[1]", out var message), jsonProblem.ToString());
        Assert.Contains("'sleepy' is not a value of 'stage'", message[0].GetString());
    }

    [Fact]
    public async Task AnInjectionAttemptInsideARuleStringIsTreatedAsData()
    {
        var tag = UniqueTag();
        const string city = "x' OR '1'='1'; DROP TABLE contact_profiles; --";
        var inside = await _gateway.CreateContactAsync(new { firstName = "Inj", tags = new[] { tag }, addresses = new[] { new { city } } });
        await _gateway.CreateContactAsync(new { firstName = "Inj", tags = new[] { tag }, addresses = new[] { new { city = "Kraków" } } });
        await _gateway.WaitForSegmentationEntryAsync(inside, e => e.GetProperty("city").GetString() == city);

        var rule = $"\"{tag}\" in tags and city = \"{city.Replace("'", "\\'")}\"";
        using var response = await _gateway.PostAsJsonAsync("/api/segments/preview", new { rule }, Ct);
        var preview = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);

        Assert.Equal(1, preview.GetProperty("count").GetInt64());
        Assert.Equal(inside, preview.GetProperty("sample")[0].GetProperty("contactId").GetGuid());
        using var orNothing = await _gateway.PostAsJsonAsync("/api/segments/preview", new { rule = $"\"{tag}' OR 1=1 --\" in tags" }, Ct);
        Assert.Equal(0, (await orNothing.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("count").GetInt64());
    }

    [Fact]
    public async Task AStaticListTakesMembersByHandAndAudienceResolvesIt()
    {
        var a = await _gateway.CreateContactAsync("List", "A");
        var b = await _gateway.CreateContactAsync("List", "B");
        await _gateway.WaitForSegmentationEntryAsync(a);
        await _gateway.WaitForSegmentationEntryAsync(b);
        var list = await CreateSegmentAsync(new { name = "Hand-picked " + UniqueTag(), kind = "static" });
        var listId = list.GetProperty("id").GetGuid();
        var stranger = Guid.NewGuid();

        using var added = await _gateway.PostAsJsonAsync($"/api/segments/{listId}/members", new { contactIds = new[] { a, b, stranger } }, Ct);
        var addedBody = await added.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(2, addedBody.GetProperty("changed").GetInt32());
        Assert.Equal([stranger], addedBody.GetProperty("unknown").EnumerateArray().Select(e => e.GetGuid()));
        using var again = await _gateway.PostAsJsonAsync($"/api/segments/{listId}/members", new { contactIds = new[] { a } }, Ct);
        Assert.Equal(0, (await again.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("changed").GetInt32());
        using var removed = await _gateway.PostAsJsonAsync($"/api/segments/{listId}/members/remove", new { contactIds = new[] { b } }, Ct);
        Assert.Equal(1, (await removed.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("changed").GetInt32());

        using var channel = GrpcChannel.ForAddress(fixture.System.Service(ResourceNames.Segmentation).GrpcUrl!);
        var audience = new Audience.AudienceClient(channel);
        var headers = new Metadata { { "Authorization", "Bearer " + fixture.System.Issuer.CreateToken(Roles.Marketer) } };
        var ids = new List<string>();
        using (var call = audience.Resolve(new ResolveAudienceRequest { SegmentId = listId.ToString() }, headers, cancellationToken: Ct))
        {
            await foreach (var batch in call.ResponseStream.ReadAllAsync(Ct))
            {
                ids.AddRange(batch.ContactIds);
            }
        }
        Assert.Equal([a.ToString()], ids);
        Assert.Equal([0, 1], (await OutboxAsync("SegmentMembershipChanged", b)).Select(c => c.GetProperty("change").GetInt32()));

        var missing = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            using var call = audience.Resolve(new ResolveAudienceRequest { SegmentId = Guid.NewGuid().ToString() }, headers, cancellationToken: Ct);
            await call.ResponseStream.MoveNext(Ct);
        });
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task ASalesManagerSeesOnlyTheirTeamsContactsInASampleAndAnAnalystOnlyTheCount()
    {
        var tag = UniqueTag();
        var mine = await _gateway.CreateContactAsync(new { firstName = "Team", tags = new[] { tag }, ownerId = "someone", team = "north-" + tag });
        var theirs = await _gateway.CreateContactAsync(new { firstName = "Team", tags = new[] { tag }, ownerId = "other", team = "south-" + tag });
        await _gateway.WaitForSegmentationEntryAsync(mine);
        await _gateway.WaitForSegmentationEntryAsync(theirs);
        var rule = new { rule = $"\"{tag}\" in tags" };

        using var manager = fixture.ClientFor(Roles.SalesManager, team: "north-" + tag);
        var managerView = await (await manager.PostAsJsonAsync("/api/segments/preview", rule, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(1, managerView.GetProperty("count").GetInt64());
        Assert.Equal(mine, managerView.GetProperty("sample")[0].GetProperty("contactId").GetGuid());
        Assert.Equal(HttpStatusCode.NotFound, (await manager.GetAsync($"/api/segments/contacts/{theirs}", Ct)).StatusCode);

        using var analyst = fixture.ClientFor(Roles.Analyst);
        var analystView = await (await analyst.PostAsJsonAsync("/api/segments/preview", rule, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(2, analystView.GetProperty("count").GetInt64());
        Assert.Equal(JsonValueKind.Null, analystView.GetProperty("sample").ValueKind);
    }

    [Fact]
    public async Task ContactAttributesAndCustomFieldsReachRulesAndAChangeOfTagsMovesTheContactOut()
    {
        var tag = UniqueTag();
        var level = "level_" + Guid.NewGuid().ToString("N")[..8];
        using (var field = await _gateway.PutAsJsonAsync($"/api/contacts/custom-fields/{level}", new { label = "Level", type = "text" }, Ct))
        {
            Assert.True(field.IsSuccessStatusCode, await field.Content.ReadAsStringAsync(Ct));
        }
        var id = await _gateway.CreateContactAsync(new
        {
            firstName = "Attr", gender = "female", birthDate = "1990-05-17", language = "pl", tags = new[] { tag, "vip" },
            customFields = new Dictionary<string, object> { [level] = "gold" },
        });
        await _gateway.CreateContactAsync(new { firstName = "Attr", gender = "male", tags = new[] { tag }, customFields = new Dictionary<string, object> { [level] = "silver" } });
        var entry = await _gateway.WaitForSegmentationEntryAsync(id);
        Assert.Equal("pl", entry!.Value.GetProperty("language").GetString());

        var rule = $"\"{tag}\" in tags and \"vip\" in tags and custom.{level} = \"gold\" and gender = \"female\" and language = \"pl\" and age >= 30 and stage = \"potential\"";
        var segment = await CreateSegmentAsync(new { name = "Gold " + tag, kind = "dynamic", rule });
        var segmentId = segment.GetProperty("id").GetGuid();
        Assert.Equal(1, segment.GetProperty("members").GetInt64());
        Assert.Equal([id], await MembersAsync(segmentId));
        Assert.True(segment.GetProperty("timeBased").GetBoolean());

        // Dropping the vip tag in contacts takes the contact out of the segment, and says so once.
        using var patched = await _gateway.PatchAsync($"/api/contacts/{id}", JsonContent.Create(new { tags = new[] { tag } }), Ct);
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        await Eventually.Until(() => MembersAsync(segmentId), m => m.Count == 0, what: "the contact leaving the segment");
        var exited = Assert.Single(await OutboxAsync("SegmentMembershipChanged", id));
        Assert.Equal((segmentId, 1), (exited.GetProperty("segmentId").GetGuid(), exited.GetProperty("change").GetInt32()));

        var portrait = await _gateway.GetFromJsonAsync<JsonElement>($"/api/segments/{segmentId}/portrait", Ct);
        Assert.Equal(0, portrait.GetProperty("members").GetInt64());
    }

    [Fact]
    public async Task ADeletedOrderLeavesTheContactsStatistics()
    {
        var buyer = await _gateway.CreateContactAsync("Deleted", "Order");
        await _gateway.RecordAsync(Timeline.Order(buyer, "DEL-1", unitPrice: 10m));
        var gone = (await _gateway.RecordAsync(Timeline.Order(buyer, "DEL-2", unitPrice: 30m))).GetProperty("id").GetGuid();
        await _gateway.WaitForSegmentationEntryAsync(buyer, e => e.GetProperty("orderCount").GetInt32() == 2);

        using var deleted = await _gateway.DeleteAsync($"/api/interactions/{gone}", Ct);
        Assert.True(deleted.IsSuccessStatusCode);

        var entry = await _gateway.WaitForSegmentationEntryAsync(buyer, e => e.GetProperty("orderCount").GetInt32() == 1);
        Assert.Equal((10m, "new"), (entry!.Value.GetProperty("totalSpent").GetDecimal(), entry.Value.GetProperty("stage").GetString()));
    }
}
