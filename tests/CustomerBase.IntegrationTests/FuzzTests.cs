using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using CustomerBase.ServiceDefaults.Security;

namespace CustomerBase.IntegrationTests;

/// <summary>
/// Random and malformed bodies, ids and query strings on every public route: whatever comes in, the answer is
/// never a 5xx. Seeded, so a failure can be replayed: the seed and the request are in the assertion message.
/// </summary>
public sealed class FuzzTests(SystemFixture fixture)
{
    private const int CasesPerRoute = 60;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string, string, string[]> Routes() => new()
    {
        { "POST", "/api/contacts", ["firstName", "lastName", "emails", "phones", "birthDate", "timeZone", "callWindow", "addresses", "messengers", "importantDates", "demographics", "tags", "externalId"] },
        { "PATCH", "/api/contacts/{id}", ["firstName", "lastName", "emails", "phones", "birthDate", "callWindow", "addresses", "tags", "demographics"] },
        { "DELETE", "/api/contacts/{id}", [] },
        { "GET", "/api/contacts", ["q", "fuzzy", "email", "phone", "tag", "ownerId", "team", "sort", "after", "limit"] },
        { "POST", "/api/contacts/bulk-tags", ["contactIds", "add", "remove"] },
        { "POST", "/api/contacts/{id}/merge", ["mergedIds", "fields"] },
        { "GET", "/api/contacts/{id}/duplicates", [] },
        { "POST", "/api/interactions", ["contactId", "kind", "occurredAt", "order"] },
        { "POST", "/api/consent/{id}/grants", ["purpose", "channel", "legalBasis", "source", "evidence", "policyVersion", "expiresAt"] },
        { "POST", "/api/campaigns/audience-preview", ["purpose", "channel", "audience"] },
        { "GET", "/api/contacts/{id}", [] },
        { "GET", "/api/interactions/{id}", [] },
        { "GET", "/api/segments/contacts/{id}", [] },
        { "GET", "/api/consent/{id}/history", [] },
        { "POST", "/api/consent/{id}/records", ["action", "purpose", "channel", "legalBasis", "source", "evidence", "policyVersion", "expiresAt"] },
        { "POST", "/api/consent/records", ["records"] },
        { "POST", "/api/consent/confirmations", ["token"] },
        { "POST", "/api/consent/suppressions", ["emails", "phones", "reason"] },
        { "POST", "/api/consent/{id}/transfers", ["recipient", "purpose", "legalBasis", "categories", "transferredAt", "informedAt"] },
        { "GET", "/api/consent/audit", ["actor", "contactId", "what", "service", "from", "to", "after", "limit"] },
    };

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task RandomInputNeverGivesAServerError(string method, string route, string[] fields)
    {
        using var client = fixture.ClientFor(Roles.Administrator);
        var existing = await client.CreateContactAsync("Fuzz"); // half the cases aim at a real record
        var seed = Random.Shared.Next();
        var random = new Random(seed);

        for (var i = 0; i < CasesPerRoute; i++)
        {
            var id = random.Next(2) == 0 ? existing.ToString() : RandomId(random);
            var path = route.Replace("{id}", id) + (method == "GET" && fields.Length > 0 ? KnownQuery(random, fields) : RandomQuery(random));
            var body = method is "POST" or "PATCH" ? RandomBody(random, fields) : null;
            using var request = new HttpRequestMessage(new HttpMethod(method), path)
            {
                Content = body is null ? null : new StringContent(body, Encoding.UTF8, method == "PATCH" ? "application/merge-patch+json" : "application/json"),
            };

            using var response = await client.SendAsync(request, Ct);

            Assert.True((int)response.StatusCode < 500,
                $"seed {seed}, case {i}: {method} {path} {body} answered {(int)response.StatusCode}");
        }
    }

    private static string RandomId(Random random) => random.Next(4) switch
    {
        0 => Guid.NewGuid().ToString(),
        1 => Guid.Empty.ToString(),
        2 => Uri.EscapeDataString(RandomString(random)),
        _ => "00000000-0000-0000-0000-00000000000" + random.Next(10),
    };

    private static string RandomQuery(Random random) => random.Next(3) == 0
        ? $"?{Uri.EscapeDataString(RandomString(random))}={Uri.EscapeDataString(RandomString(random))}&limit={random.Next(-5, 100000)}"
        : "";

    private static string KnownQuery(Random random, string[] names) =>
        "?" + string.Join('&', names.Where(_ => random.Next(3) == 0)
            .Select(n => $"{n}={Uri.EscapeDataString(random.Next(3) == 0 ? random.Next(-10, 1000).ToString() : RandomString(random))}"));

    private static string RandomBody(Random random, string[] fields)
    {
        switch (random.Next(10))
        {
            case 0: return RandomString(random); // not JSON at all
            case 1: return "{\"" + fields[random.Next(fields.Length)] + "\": "; // truncated
            case 2: return "[]";
            case 3: return "null";
        }
        var body = new JsonObject();
        foreach (var field in fields)
        {
            if (random.Next(4) != 0)
            {
                body[field] = RandomValue(random, depth: 0);
            }
        }
        return body.ToJsonString();
    }

    private static JsonNode? RandomValue(Random random, int depth) => random.Next(depth > 2 ? 7 : 9) switch
    {
        0 => null,
        1 => JsonValue.Create(RandomString(random)),
        2 => JsonValue.Create(random.NextDouble() * Math.Pow(10, random.Next(-3, 30)) * (random.Next(2) == 0 ? -1 : 1)),
        3 => JsonValue.Create(random.Next(2) == 0),
        4 => JsonValue.Create(Guid.NewGuid()),
        5 => JsonValue.Create(DateTimeOffset.UtcNow.AddDays(random.Next(-100_000, 100_000))),
        6 => JsonValue.Create(random.Next(int.MinValue, int.MaxValue)),
        7 => new JsonArray(Enumerable.Range(0, random.Next(5)).Select(_ => RandomValue(random, depth + 1)).ToArray()),
        _ => RandomObject(random, depth),
    };

    private static JsonObject RandomObject(Random random, int depth)
    {
        var node = new JsonObject();
        for (var i = random.Next(5); i > 0; i--)
        {
            node[PickKey(random, i)] = RandomValue(random, depth + 1); // a repeated key overwrites, as a JSON parser would
        }
        return node;
    }

    // Keys the nested request records use, so nested objects sometimes bind and exercise deeper validation.
    private static readonly string[] NestedKeys = ["number", "currency", "total", "lines", "sku", "quantity", "unitPrice", "all", "contactIds", "name", "category"];

    private static string PickKey(Random random, int index) => random.Next(3) == 0 ? RandomString(random) + index : NestedKeys[random.Next(NestedKeys.Length)] + (index > 0 && random.Next(2) == 0 ? index : "");

    private static string RandomString(Random random)
    {
        string[] samples = ["", " ", "a", "Ирина", "🙂", "'; DROP TABLE contacts; --", "\u0000", "\\", "\"", "%00", "+7 912 345-67-89", "x@y", "EUR", "marketing", "email", "order"];
        return random.Next(5) switch
        {
            0 => new string((char)random.Next(32, 0xD7FF), random.Next(0, 5000)),
            _ => samples[random.Next(samples.Length)],
        };
    }
}
