using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CustomerBase.Interactions.Contracts.Grpc;
using CustomerBase.ServiceDefaults;
using CustomerBase.ServiceDefaults.Security;
using Grpc.Core;
using Grpc.Net.Client;
using Npgsql;

namespace CustomerBase.IntegrationTests.Interactions;

/// <summary>Bulk ingest as a job (bad rows reported, good rows kept), purchase statistics over gRPC and buying preferences.</summary>
public sealed class IngestAndStatsTests(SystemFixture fixture) : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly HttpClient _gateway = fixture.Gateway;

    // Interactions' gRPC port, straight (no connection is made until a test calls it).
    private readonly GrpcChannel _grpc = GrpcChannel.ForAddress(fixture.System.Service(ResourceNames.Interactions).GrpcUrl!);
    private PurchaseStats.PurchaseStatsClient Stats => new(_grpc);

    private Metadata As(string role, string? team = null) =>
        new() { { "Authorization", "Bearer " + fixture.System.Issuer.CreateToken(role, team: team) } };

    public void Dispose() => _grpc.Dispose();

    private async Task<JsonElement> ImportAsync(string content, string mediaType)
    {
        using var body = new StringContent(content, Encoding.UTF8, mediaType);
        using var started = await _gateway.PostAsync("/api/interactions/imports", body, Ct);
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var location = started.Headers.Location!.ToString();
        return await Eventually.Until(() => _gateway.GetFromJsonAsync<JsonElement>(location, Ct),
            job => job.GetProperty("status").GetString() is "completed" or "failed", what: "import job finished");
    }

    private async Task<string[]> ErrorReportAsync(JsonElement job)
    {
        var report = await _gateway.GetStringAsync(job.GetProperty("errorsUrl").GetString(), Ct);
        return report.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    [Fact]
    public async Task JsonLinesIngestWithBadRowsKeepsTheGoodOnes()
    {
        var contactId = await _gateway.CreateContactAsync("Ingest", "Lines");
        var lines = new[]
        {
            JsonSerializer.Serialize(Timeline.Order(contactId, "H-1", occurredAt: new DateTimeOffset(2024, 1, 5, 0, 0, 0, TimeSpan.Zero)), Api.Json),
            """{"contactId":"CONTACT","kind":"order","order":{"number":"H-2","currency":"EUR","total":50,"lines":[{"sku":"A","quantity":1,"unitPrice":10}]}}""".Replace("CONTACT", contactId.ToString()),
            JsonSerializer.Serialize(Timeline.Note(contactId, "from the old CRM", new DateTimeOffset(2024, 2, 1, 0, 0, 0, TimeSpan.Zero)), Api.Json),
            "{not json",
            JsonSerializer.Serialize(Timeline.Note(Guid.NewGuid(), "unknown contact"), Api.Json),
            JsonSerializer.Serialize(Timeline.Order(contactId, "H-3", unitPrice: 20m, occurredAt: new DateTimeOffset(2024, 3, 5, 0, 0, 0, TimeSpan.Zero)), Api.Json),
        };

        var job = await ImportAsync(string.Join('\n', lines), "application/x-ndjson");

        Assert.Equal("completed", job.GetProperty("status").GetString());
        Assert.Equal((6, 3, 3), (job.GetProperty("rowsRead").GetInt64(), job.GetProperty("rowsImported").GetInt64(), job.GetProperty("rowsFailed").GetInt64()));
        Assert.Equal(3, (await _gateway.TimelineAsync(contactId)).Ids().Count);
        var report = await ErrorReportAsync(job);
        Assert.Equal("row,field,message", report[0]);
        Assert.StartsWith("2,order.total,", report[1]);
        Assert.StartsWith("4,", report[2]);
        Assert.StartsWith("5,contactId,", report[3]);
        Assert.Equal(4, report.Length);
        // The imported orders reach segmentation (as OrdersImported): H-1 (10) and H-3 (20).
        var entry = await _gateway.WaitForSegmentationEntryAsync(contactId, e => e.GetProperty("orderCount").GetInt32() == 2);
        Assert.Equal(30m, entry!.Value.GetProperty("totalSpent").GetDecimal());
    }

    [Fact]
    public async Task CsvIngestWithBadRowsKeepsTheGoodOnes()
    {
        var contactId = await _gateway.CreateContactAsync("Ingest", "Csv");
        var csv = new StringBuilder("contactId,kind,occurredAt,channel,direction,subject,note,details\n")
            .Append($"{contactId},order,2024-01-05T10:00:00Z,web,in,,,\"{{\"\"number\"\":\"\"C-1\"\",\"\"currency\"\":\"\"EUR\"\",\"\"total\"\":12.5,\"\"lines\"\":[{{\"\"sku\"\":\"\"A\"\",\"\"category\"\":\"\"tea\"\",\"\"quantity\"\":1,\"\"unitPrice\"\":12.5}}]}}\"\n")
            .Append($"{contactId},call,2024-01-06T10:00:00Z,phone,out,,Talked about tea,\"{{\"\"durationSeconds\"\":60}}\"\n")
            .Append($"{contactId},review,yesterday,,,,,\"{{\"\"rating\"\":4}}\"\n")
            .Append($"{contactId},review,2024-01-07T10:00:00Z,,,,,\"{{\"\"rating\"\":9}}\"\n")
            .Append($"not-an-id,note,2024-01-07T10:00:00Z,,,,hello,\n");

        var job = await ImportAsync(csv.ToString(), "text/csv");

        Assert.Equal((5, 2, 3), (job.GetProperty("rowsRead").GetInt64(), job.GetProperty("rowsImported").GetInt64(), job.GetProperty("rowsFailed").GetInt64()));
        var report = await ErrorReportAsync(job);
        Assert.StartsWith("4,occurredAt,", report[1]);
        Assert.StartsWith("5,review.rating,", report[2]);
        Assert.StartsWith("6,contactId,", report[3]);
        var kinds = (await _gateway.TimelineAsync(contactId)).GetProperty("items").EnumerateArray().Select(i => i.GetProperty("kind").GetString());
        Assert.Equal(["call", "order"], kinds);
    }

    [Fact]
    public async Task PurchaseStatsSummariseEachContactsOrders()
    {
        var buyer = await _gateway.CreateContactAsync("Stats", "Buyer");
        var nobody = await _gateway.CreateContactAsync("Stats", "Nobody");
        var day = new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);
        await _gateway.RecordAsync(Timeline.Order(buyer, "S-1", unitPrice: 10m, category: "tea", occurredAt: day));
        await _gateway.RecordAsync(Timeline.Order(buyer, "S-2", unitPrice: 30m, category: "coffee", occurredAt: day.AddDays(10)));
        await _gateway.RecordAsync(Timeline.Order(buyer, "S-3", unitPrice: 5m, category: "tea", occurredAt: day.AddDays(30)));
        var cancelled = (await _gateway.RecordAsync(Timeline.Order(buyer, "S-4", unitPrice: 999m, category: "gold", occurredAt: day.AddDays(31)))).GetProperty("id").GetGuid();
        using (var cancel = await _gateway.PostAsJsonAsync($"/api/interactions/{cancelled}/status", new { status = "cancelled" }, Ct))
        {
            Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        }

        var (client, headers) = (Stats, As(Roles.Administrator));
        var reply = await client.GetPurchaseStatsAsync(new GetPurchaseStatsRequest { ContactIds = { buyer.ToString(), nobody.ToString() } }, headers, cancellationToken: Ct);

        var stats = Assert.Single(reply.Stats);
        Assert.Equal(buyer.ToString(), stats.ContactId);
        Assert.Equal(3, stats.OrderCount);
        Assert.Equal(45m, decimal.Parse(stats.Total, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(15m, decimal.Parse(stats.AverageOrderValue, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(15d, stats.MedianIntervalDays, 3); // gaps of 10 and 20 days
        Assert.Equal(day, DateTimeOffset.Parse(stats.FirstOrderAt, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(["coffee", "tea"], stats.TopCategories);
        Assert.Equal([nobody.ToString()], reply.NoOrdersIds);

        var preferences = await _gateway.GetFromJsonAsync<JsonElement>($"/api/interactions/contacts/{buyer}/preferences", Ct);
        Assert.Equal(3, preferences.GetProperty("orders").GetInt32());
        Assert.Equal("coffee", preferences.GetProperty("favouriteCategories")[0].GetProperty("name").GetString());
        Assert.Equal("SKU-tea", preferences.GetProperty("favouriteProducts")[0].GetProperty("sku").GetString());
        Assert.Equal(10m, preferences.GetProperty("usualSpend").GetDecimal());
        Assert.Equal(15d, preferences.GetProperty("usualIntervalDays").GetDouble());
    }

    [Fact]
    public async Task IngestIntoAContactWithOrdersCountsOldAndImportedOrdersTogether()
    {
        var buyer = await _gateway.CreateContactAsync("Stats", "Returning");
        var day = new DateTimeOffset(2025, 3, 1, 9, 0, 0, TimeSpan.Zero);
        await _gateway.RecordAsync(Timeline.Order(buyer, "L-1", unitPrice: 10m, category: "tea", occurredAt: day));
        await _gateway.RecordAsync(Timeline.Order(buyer, "L-2", unitPrice: 20m, category: "tea", occurredAt: day.AddDays(40)));
        var cancelled = Timeline.Order(buyer, "I-3", unitPrice: 500m, category: "gold", occurredAt: day.AddDays(50));
        var lines = new[]
        {
            // Between the two recorded orders (gaps become 10, 30), one before them all, and one cancelled (not counted).
            JsonSerializer.Serialize(Timeline.Order(buyer, "I-1", unitPrice: 25m, quantity: 2, category: "coffee", occurredAt: day.AddDays(10)), Api.Json),
            JsonSerializer.Serialize(Timeline.Order(buyer, "I-2", unitPrice: 1m, category: "care", occurredAt: day.AddDays(-4)), Api.Json),
            JsonSerializer.Serialize(cancelled, Api.Json).Replace("\"total\":", "\"status\":\"cancelled\",\"total\":"),
        };

        var job = await ImportAsync(string.Join('\n', lines), "application/x-ndjson");

        Assert.Equal((3L, 0L), (job.GetProperty("rowsImported").GetInt64(), job.GetProperty("rowsFailed").GetInt64()));
        var reply = await Stats.GetPurchaseStatsAsync(new GetPurchaseStatsRequest { ContactIds = { buyer.ToString() } }, As(Roles.Administrator), cancellationToken: Ct);
        var stats = Assert.Single(reply.Stats);
        Assert.Equal(4, stats.OrderCount);
        Assert.Equal(81m, decimal.Parse(stats.Total, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(day.AddDays(-4), DateTimeOffset.Parse(stats.FirstOrderAt, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(day.AddDays(40), DateTimeOffset.Parse(stats.LastOrderAt, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(10d, stats.MedianIntervalDays, 3); // gaps of 4, 10 and 30 days
        Assert.Equal(["coffee", "tea", "care"], stats.TopCategories); // 50, 30, 1
        // Merged, the job's marks of unmerged orders are gone (a later import would otherwise recompute the contact in full).
        await using var connection = new NpgsqlConnection(fixture.System.Postgres.ConnectionString(ResourceNames.InteractionsDb));
        await connection.OpenAsync(Ct);
        await using var marks = new NpgsqlCommand("SELECT count(*) FROM unmerged_purchases WHERE contact_id = @contact", connection);
        marks.Parameters.AddWithValue("contact", buyer);
        Assert.Equal(0L, (long)(await marks.ExecuteScalarAsync(Ct))!);
    }

    [Fact]
    public async Task PackedPurchaseStatsAnswerEachIdAskedInTheOrderAsked()
    {
        var buyer = await _gateway.CreateContactAsync("Packed", "Buyer");
        var nobody = await _gateway.CreateContactAsync("Packed", "Nobody");
        var day = new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);
        await _gateway.RecordAsync(Timeline.Order(buyer, "P-1", unitPrice: 10m, category: "tea", occurredAt: day));
        await _gateway.RecordAsync(Timeline.Order(buyer, "P-2", unitPrice: 30m, category: "coffee", occurredAt: day.AddDays(10)));
        await _gateway.RecordAsync(Timeline.Order(buyer, "P-3", unitPrice: 5.55m, category: "tea", occurredAt: day.AddDays(30)));

        var (client, headers) = (Stats, As(Roles.Administrator));
        var reply = await client.GetPurchaseStatsAsync(new GetPurchaseStatsRequest { ContactIdsPacked = Pack(nobody, buyer, nobody, buyer) }, headers, cancellationToken: Ct);

        Assert.Empty(reply.Stats);
        Assert.Empty(reply.NoOrdersIds);
        var packed = reply.Packed;
        Assert.Equal([0, 3, 0, 3], packed.OrderCounts);
        Assert.Equal([0, 4555, 0, 4555], packed.TotalCents);
        Assert.Equal([0, 1518, 0, 1518], packed.AverageOrderValueCents); // 45.55 / 3 = 15.183…
        Assert.Equal(day.ToUnixTimeMilliseconds() * 1000, packed.FirstOrderAt[1]);
        Assert.Equal(day.AddDays(30).ToUnixTimeMilliseconds() * 1000, packed.LastOrderAt[3]);
        Assert.Equal(0, packed.FirstOrderAt[0]);
        Assert.Equal(15d, packed.MedianIntervalDays[1], 3); // gaps of 10 and 20 days
        Assert.Equal(12, packed.TopCategories.Count);
        Assert.Equal(["coffee", "tea", ""], packed.TopCategories.Skip(3).Take(3).Select(n => n == 0 ? "" : packed.Categories[n - 1]));
        Assert.Equal([0, 0, 0], packed.TopCategories.Take(3));
    }

    [Fact]
    public async Task PurchaseStatsRefuseIdsGivenInBothForms()
    {
        var (client, headers) = (Stats, As(Roles.Administrator));
        var id = Guid.NewGuid();

        var both = await Assert.ThrowsAsync<RpcException>(() => client.GetPurchaseStatsAsync(
            new GetPurchaseStatsRequest { ContactIds = { id.ToString() }, ContactIdsPacked = Pack(id) }, headers, cancellationToken: Ct).ResponseAsync);
        var torn = await Assert.ThrowsAsync<RpcException>(() => client.GetPurchaseStatsAsync(
            new GetPurchaseStatsRequest { ContactIdsPacked = Google.Protobuf.ByteString.CopyFrom(new byte[20]) }, headers, cancellationToken: Ct).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, both.StatusCode);
        Assert.Equal(StatusCode.InvalidArgument, torn.StatusCode);
    }

    /// <summary>16 bytes per id in the UUID's own (big-endian) byte order, as the proto asks.</summary>
    private static Google.Protobuf.ByteString Pack(params Guid[] ids)
    {
        var bytes = new byte[ids.Length * 16];
        for (var i = 0; i < ids.Length; i++)
        {
            Assert.True(ids[i].TryWriteBytes(bytes.AsSpan(i * 16, 16), bigEndian: true, out _));
        }
        return Google.Protobuf.ByteString.CopyFrom(bytes);
    }

    [Fact]
    public async Task PurchaseStatsOfAnotherTeamsContactAreNotGivenToASalesManager()
    {
        var theirs = await _gateway.CreateContactAsync(new { firstName = "Stats", team = "far" });
        var ours = await _gateway.CreateContactAsync(new { firstName = "Stats", team = "near" });
        await _gateway.RecordAsync(Timeline.Order(theirs, "T-1"));
        await _gateway.RecordAsync(Timeline.Order(ours, "T-2"));

        var (client, headers) = (Stats, As(Roles.SalesManager, team: "near"));
        var reply = await client.GetPurchaseStatsAsync(new GetPurchaseStatsRequest { ContactIds = { theirs.ToString() } }, headers, cancellationToken: Ct);

        var packed = await client.GetPurchaseStatsAsync(new GetPurchaseStatsRequest { ContactIdsPacked = Pack(theirs, ours) }, headers, cancellationToken: Ct);

        Assert.Empty(reply.Stats);
        Assert.Equal([theirs.ToString()], reply.NoOrdersIds);
        Assert.Equal([0, 1], packed.Packed.OrderCounts);
        Assert.Equal([0L, 1000L], packed.Packed.TotalCents);
    }
}
