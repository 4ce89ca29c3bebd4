using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CustomerBase.Consent.Contracts.Grpc;
using CustomerBase.Messaging;
using CustomerBase.ServiceDefaults;
using CustomerBase.ServiceDefaults.Security;
using Npgsql;

namespace CustomerBase.IntegrationTests.Consent;

/// <summary>Data-subject requests across every service: one export document, and an erasure that leaves nothing naming the person.</summary>
public sealed class PersonalDataRequestTests(SystemFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly string[] Databases =
        [ResourceNames.ContactsDb, ResourceNames.InteractionsDb, ResourceNames.SegmentationDb, ResourceNames.CampaignsDb, ResourceNames.ConsentDb];

    [Fact]
    public async Task ExportGathersEveryServiceAndErasureLeavesNoRowNamingThePersonWhileTheSuppressionStays()
    {
        using var consent = new ConsentTestClient(fixture);
        var gateway = consent.Gateway;
        var unique = Guid.NewGuid().ToString("N")[..10];
        var (first, last, email) = ($"Erin{unique}", $"Zubrowska{unique}", $"erin.{unique}@example.com");
        var phone = $"+4860{Random.Shared.Next(1_000_000, 9_999_999)}";
        var id = await gateway.CreateContactAsync(new { firstName = first, lastName = last, emails = new[] { email }, phones = new[] { phone } });
        using (var order = await gateway.PostAsJsonAsync("/api/interactions", new
        {
            contactId = id, kind = "order",
            order = new { number = "E-" + unique, currency = "EUR", total = 10.0m, lines = new[] { new { sku = "X", quantity = 1, unitPrice = 10.0m } } },
        }, Ct))
        {
            Assert.Equal(HttpStatusCode.Created, order.StatusCode);
        }
        await gateway.WaitForSegmentationEntryAsync(id, e => e.GetProperty("orderCount").GetInt32() == 1);
        await consent.RecordAsync(new { contactId = id, action = "grant", purpose = "marketing", channel = "email", source = "paper-form", evidence = new { documentRef = "d" } });
        (await gateway.GetAsync($"/api/contacts/{id}", Ct)).Dispose(); // the card is now in contacts' Redis cache too
        var needles = new[] { first.ToLowerInvariant(), last.ToLowerInvariant(), email, phone };

        // Export: one document with every service's part.
        using var exported = await gateway.PostAsync($"/api/consent/{id}/export", null, Ct);
        Assert.Equal(HttpStatusCode.OK, exported.StatusCode);
        var document = (await exported.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("services");
        Assert.Equal(email, document.GetProperty("contacts").GetProperty("contact").GetProperty("emails")[0].GetString());
        Assert.Equal("order", document.GetProperty("interactions").GetProperty("interactions")[0].GetProperty("kind").GetString());
        Assert.Equal(last, document.GetProperty("segmentation").GetProperty("profile").GetProperty("lastName").GetString());
        Assert.Equal("grant", document.GetProperty("consent").GetProperty("consentHistory")[0].GetProperty("action").GetString());
        Assert.True(document.TryGetProperty("campaigns", out _));

        // The search below is able to find the person before the erasure.
        Assert.NotEmpty(await FindAsync(needles, ResourceNames.ContactsDb));
        Assert.NotEmpty(await FindInRedisAsync(email));

        using var requested = await gateway.PostAsync($"/api/consent/{id}/erasure", null, Ct);
        Assert.Equal(HttpStatusCode.Accepted, requested.StatusCode);
        var status = requested.Headers.Location!.ToString();
        // About a second on a quiet machine; the bound is generous because the whole suite runs at once on two cores,
        // and the last value (which services are still pending) is in the failure message.
        var done = await Eventually.Until(() => gateway.GetFromJsonAsync<JsonElement>(status, Ct),
            s => s.GetProperty("status").GetString() == "completed", TimeSpan.FromSeconds(120), "erasure completed", TimeSpan.FromMilliseconds(200));
        Assert.Equal(["campaigns", "consent", "contacts", "interactions", "segmentation"],
            done.GetProperty("services").EnumerateArray().Select(s => s.GetProperty("service").GetString()));

        var leftovers = new List<string>();
        foreach (var database in Databases)
        {
            leftovers.AddRange(await FindAsync(needles, database));
        }
        foreach (var database in Databases.Where(d => d != ResourceNames.ConsentDb)) // consent keeps the request and audit trail by id
        {
            leftovers.AddRange(await FindAsync([id.ToString()], database));
        }
        foreach (var needle in needles)
        {
            leftovers.AddRange(await FindInRedisAsync(needle));
        }
        Assert.Empty(leftovers);

        // The suppression outlives the person: a new contact at the same address is refused.
        var newcomer = Guid.NewGuid();
        await consent.RecordAsync(
            new { contactId = newcomer, action = "grant", purpose = "marketing", channel = "email", source = "paper-form", evidence = new { documentRef = "d" } },
            new { contactId = newcomer, action = "grant", purpose = "marketing", channel = "sms", source = "paper-form", evidence = new { documentRef = "d" } });
        Assert.Equal(ConsentReason.Suppressed, await consent.ReasonAsync(newcomer, "marketing", "email", address: email.ToUpperInvariant()));
        Assert.Equal(ConsentReason.Suppressed, await consent.ReasonAsync(newcomer, "marketing", "sms", address: phone));
        Assert.Equal(HttpStatusCode.NotFound, (await gateway.GetAsync($"/api/contacts/{id}", Ct)).StatusCode);

        using var auditor = fixture.ClientFor(Roles.Auditor);
        var trail = await auditor.GetFromJsonAsync<JsonElement>($"/api/consent/audit?contactId={id}&what=erasure.", Ct);
        Assert.Contains("erasure.requested", trail.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("what").GetString()));
        Assert.Equal(5, trail.GetProperty("items").EnumerateArray().Count(e => e.GetProperty("what").GetString() == "erasure.completed"));
    }

    [Fact]
    public async Task OnlyPrivacyRolesMayExportOrErase()
    {
        using var marketer = fixture.ClientFor(Roles.Marketer);
        using var export = await marketer.PostAsync($"/api/consent/{Guid.NewGuid()}/export", null, Ct);
        using var erase = await marketer.PostAsync($"/api/consent/{Guid.NewGuid()}/erasure", null, Ct);
        Assert.Equal((HttpStatusCode.Forbidden, HttpStatusCode.Forbidden), (export.StatusCode, erase.StatusCode));
    }

    /// <summary>Every row of every table in <paramref name="database"/> whose text contains one of the needles (case-insensitive).</summary>
    private async Task<List<string>> FindAsync(IEnumerable<string> needles, string database)
    {
        await using var connection = new NpgsqlConnection(fixture.System.Postgres.ConnectionString(database));
        await connection.OpenAsync(Ct);
        var tables = new List<string>();
        await using (var list = new NpgsqlCommand("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'", connection))
        await using (var reader = await list.ExecuteReaderAsync(Ct))
        {
            while (await reader.ReadAsync(Ct))
            {
                tables.Add(reader.GetString(0));
            }
        }
        var found = new List<string>();
        foreach (var table in tables)
        {
            foreach (var needle in needles)
            {
                // The audit trail on its way to consent (reads of the person's data, by id) is kept by design, as consent's is.
                var auditInTransit = table == "outbox_messages" ? " AND t.message_type NOT LIKE @audit" : "";
                await using var search = new NpgsqlCommand($"SELECT count(*) FROM \"{table}\" AS t WHERE strpos(lower(t::text), lower(@needle)) > 0{auditInTransit}", connection);
                search.Parameters.AddWithValue("needle", needle);
                search.Parameters.AddWithValue("audit", OutboxErasure.AuditTrailTypePattern);
                if ((long)(await search.ExecuteScalarAsync(Ct))! > 0)
                {
                    found.Add($"{database}.{table} holds '{needle}'");
                }
            }
        }
        return found;
    }

    /// <summary>Redis keys whose value (string or hash) contains the needle, found by a script on the server.</summary>
    private async Task<List<string>> FindInRedisAsync(string needle)
    {
        const string script = """
            local found = {}
            for _, key in ipairs(redis.call('KEYS', '*')) do
              local kind = redis.call('TYPE', key).ok
              local value = ''
              if kind == 'string' then value = redis.call('GET', key)
              elseif kind == 'hash' then value = table.concat(redis.call('HGETALL', key), ' ') end
              if string.find(string.lower(value), string.lower(ARGV[1]), 1, true) then table.insert(found, key) end
            end
            return found
            """;
        var port = fixture.System.Redis.ConnectionString.Split(':')[1];
        var start = new ProcessStartInfo("redis-cli", ["-p", port, "--no-raw", "EVAL", script, "0", needle]) { RedirectStandardOutput = true };
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync(Ct);
        await process.WaitForExitAsync(Ct);
        Assert.Equal(0, process.ExitCode);
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(line => line != "(empty array)" && line != "(empty list or set)")
            .Select(line => $"redis {line} holds '{needle}'").ToList();
    }
}
