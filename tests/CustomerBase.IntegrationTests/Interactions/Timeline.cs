using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CustomerBase.ServiceDefaults;
using Npgsql;

namespace CustomerBase.IntegrationTests.Interactions;

/// <summary>Helpers for the interactions API in tests: record, read a timeline, look into the service's own outbox.</summary>
public static class Timeline
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static object Order(Guid contactId, string number, decimal unitPrice = 10m, int quantity = 1, string category = "care", DateTimeOffset? occurredAt = null) => new
    {
        contactId,
        kind = "order",
        occurredAt,
        order = new
        {
            number, currency = "EUR", total = unitPrice * quantity,
            lines = new[] { new { sku = "SKU-" + category, name = "Product " + category, category, quantity, unitPrice } },
        },
    };

    public static object Note(Guid contactId, string note, DateTimeOffset? occurredAt = null, string? subject = null) =>
        new { contactId, kind = "note", note, subject, occurredAt };

    /// <summary>Records an interaction and returns its answer, asserting 201.</summary>
    public static async Task<JsonElement> RecordAsync(this HttpClient gateway, object body)
    {
        using var response = await gateway.PostAsJsonAsync("/api/interactions", body, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public static async Task<JsonElement> TimelineAsync(this HttpClient gateway, Guid contactId, string query = "")
    {
        using var response = await gateway.GetAsync($"/api/interactions?contactId={contactId}{query}", Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public static IReadOnlyList<Guid> Ids(this JsonElement page) =>
        page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid()).ToList();

    /// <summary>Outbox rows of one event type whose body mentions <paramref name="id"/>, with whether each was sent.</summary>
    public static async Task<IReadOnlyList<(string Body, bool Sent)>> OutboxAsync(this SystemFixture fixture, string eventType, Guid id)
    {
        await using var connection = new NpgsqlConnection(fixture.System.Postgres.ConnectionString(ResourceNames.InteractionsDb));
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(
            "SELECT body::text, sent_at IS NOT NULL FROM outbox_messages WHERE message_type LIKE @type AND body::text LIKE @id", connection);
        command.Parameters.AddWithValue("type", $"CustomerBase.Interactions.Contracts.{eventType},%");
        command.Parameters.AddWithValue("id", $"%{id}%");
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var rows = new List<(string, bool)>();
        while (await reader.ReadAsync(Ct))
        {
            rows.Add((reader.GetString(0), reader.GetBoolean(1)));
        }
        return rows;
    }

    public static async Task<long> CountInteractionsAsync(this SystemFixture fixture, Guid contactId)
    {
        await using var connection = new NpgsqlConnection(fixture.System.Postgres.ConnectionString(ResourceNames.InteractionsDb));
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand("SELECT count(*) FROM interactions WHERE contact_id = @id", connection);
        command.Parameters.AddWithValue("id", contactId);
        return (long)(await command.ExecuteScalarAsync(Ct))!;
    }
}
