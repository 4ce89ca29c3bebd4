using System.Text;
using System.Text.Json;
using CustomerBase.Interactions.Apis;
using CustomerBase.Interactions.Contracts;
using CustomerBase.Interactions.Model;
using CustomerBase.Messaging;

namespace CustomerBase.UnitTests.Interactions;

/// <summary>The import's hand-written JSON is byte for byte what the serializer writes from the objects it replaces.</summary>
public sealed class ImportBatchJsonTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 10, 0, 0, TimeSpan.Zero);

    private static (Interaction Interaction, object Payload) Map(RecordInteractionRequest request) =>
        InteractionMapper.ToColumnsAndPayload(request, "importer", Now);

    private static RecordInteractionRequest Order(string number, string? category, decimal unitPrice, string? status = null) =>
        new(Guid.NewGuid(), "order", new DateTimeOffset(2024, 5, 1, 10, 30, 15, TimeSpan.FromHours(2)),
            new OrderRequest(number, "PLN", 2 * unitPrice + 3.5m,
                [new OrderLineRequest(" TEA-1 ", null, category, 2, unitPrice), new OrderLineRequest("MUG", "Kubek \"duży\"", "kuchnia", 1, 3.50m)], status));

    [Fact]
    public void PayloadsAreWhatTheSerializerWritesOneAfterAnother()
    {
        var json = new ImportBatchJson();
        var (_, order) = Map(Order(" N-1 ", "herbata zielona", 12.10m, "delivered"));
        var (_, call) = Map(new RecordInteractionRequest(Guid.NewGuid(), "call", null, null, Call: new CallRequest(60, "answered", null)));
        var (_, note) = Map(new RecordInteractionRequest(Guid.NewGuid(), "note", null, null, Note: "hello"));

        var ranges = new[] { json.Append(order), json.Append(call), json.Append(note) };

        Assert.Equal(
            [Serialized(order), Serialized(call), Serialized(note)],
            ranges.Select(r => Encoding.UTF8.GetString(json.Payload(r).Span)));
        Assert.Contains("\"paymentStatus\":\"paid\"", Serialized(order)); // the order's payment status is in what was compared
    }

    [Fact]
    public void ABatchClearedStartsItsPayloadsAtTheBeginning()
    {
        var json = new ImportBatchJson();
        json.Append(Map(Order("N-1", "tea", 1m)).Payload);
        json.Clear();

        var (_, order) = Map(Order("N-2", null, 2m));
        var range = json.Append(order);

        Assert.Equal(0, range.Start.Value);
        Assert.Equal(Serialized(order), Encoding.UTF8.GetString(json.Payload(range).Span));
    }

    [Fact]
    public void OrdersImportedBodyIsWhatTheOutboxWritesFromTheEvent()
    {
        var json = new ImportBatchJson();
        var jobId = Guid.NewGuid();
        var orders = new[] { Map(Order("N-1", "herbata", 12.10m, "new")), Map(Order("N-2", null, 7m, "cancelled")) }
            .Select(m => (m.Interaction, (OrderPayload)m.Payload)).ToList();

        var first = json.OrdersImportedBody(jobId, orders[..1]);
        var body = Encoding.UTF8.GetString(json.Event(json.OrdersImportedBody(jobId, orders)).Span);

        var expected = Outbox.CreateMessage(new OrdersImported(jobId, orders.Select(o => o.Interaction.Placed(o.Item2, imported: true)).ToList())).Body;
        Assert.Equal(expected, body);
        Assert.Equal(2, JsonDocument.Parse(body).RootElement.GetProperty("orders").GetArrayLength());
        // The batch's earlier event is still there, whole, before it.
        Assert.Equal(1, JsonDocument.Parse(json.Event(first)).RootElement.GetProperty("orders").GetArrayLength());
    }

    private static string Serialized(object payload) => JsonSerializer.Serialize(payload, payload.GetType(), InteractionMapper.PayloadJson);
}
