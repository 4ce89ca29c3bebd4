using System.Buffers;
using System.Text;
using System.Text.Json;
using CustomerBase.Interactions.Contracts;

namespace CustomerBase.Interactions.Model;

/// <summary>
/// The JSON of one import batch, written once with a <see cref="Utf8JsonWriter"/>: every interaction's payload into one
/// buffer (the bytes its COPY sends as jsonb) and the orders' <see cref="OrdersImported"/> bodies straight from the
/// payload objects. Before, each order's payload was serialised, read back into an object for its event, and the event
/// serialised again (and once more by the outbox). The bytes are what <see cref="JsonSerializer"/> writes from
/// <see cref="OrderPayload"/> with <see cref="InteractionMapper.PayloadJson"/> and from <see cref="OrdersImported"/>
/// with the outbox's web defaults; unit tests hold the two to each other.
/// </summary>
public sealed class ImportBatchJson
{
    private readonly ArrayBufferWriter<byte> _payloads = new(1 << 20);
    private readonly Utf8JsonWriter _writer;
    private readonly ArrayBufferWriter<byte> _event = new(1 << 20);
    private readonly Utf8JsonWriter _eventWriter;

    public ImportBatchJson()
    {
        _writer = new Utf8JsonWriter(_payloads);
        _eventWriter = new Utf8JsonWriter(_event);
    }

    /// <summary>Forgets the previous batch's payloads and events (the buffers are kept).</summary>
    public void Clear()
    {
        _payloads.ResetWrittenCount();
        _writer.Reset(_payloads);
        _event.ResetWrittenCount();
        _eventWriter.Reset(_event);
    }

    /// <summary>Appends a payload; its bytes are <see cref="Payload"/> of the returned range until <see cref="Clear"/>.</summary>
    public Range Append(object payload)
    {
        var start = _payloads.WrittenCount;
        if (payload is OrderPayload order)
        {
            WriteOrderPayload(_writer, order);
        }
        else
        {
            JsonSerializer.Serialize(_writer, payload, payload.GetType(), InteractionMapper.PayloadJson);
        }
        _writer.Flush();
        _writer.Reset(); // the next payload is another top-level value in the same buffer
        return start.._payloads.WrittenCount;
    }

    public ReadOnlyMemory<byte> Payload(Range range) => _payloads.WrittenMemory[range];

    /// <summary>
    /// Writes the body of an <see cref="OrdersImported"/> of these orders, as the outbox would serialise it, after the
    /// batch's other events; returns where it lies in <see cref="Event"/>. Kept as UTF-8 in one reused buffer: as a
    /// string each 500-order body (~400 KB) was a large object, and those brought a background GC every few batches.
    /// </summary>
    public Range OrdersImportedBody(Guid jobId, IEnumerable<(Interaction Interaction, OrderPayload Order)> orders)
    {
        var w = _eventWriter;
        w.Reset(_event);
        var start = _event.WrittenCount;
        w.WriteStartObject();
        w.WriteString(Names.ImportJobId, jobId);
        w.WriteStartArray(Names.Orders);
        foreach (var (interaction, order) in orders)
        {
            WriteOrderPlaced(w, interaction, order);
        }
        w.WriteEndArray();
        w.WriteEndObject();
        w.Flush();
        return start.._event.WrittenCount;
    }

    public ReadOnlyMemory<byte> Event(Range range) => _event.WrittenMemory[range];

    /// <summary>As <see cref="InteractionMapper.PayloadJson"/> writes <see cref="OrderPayload"/>: nulls left out.</summary>
    private static void WriteOrderPayload(Utf8JsonWriter w, OrderPayload order)
    {
        w.WriteStartObject();
        w.WriteString(Names.Number, order.Number);
        w.WriteString(Names.Currency, order.Currency);
        w.WriteNumber(Names.Total, order.Total);
        w.WriteStartArray(Names.Lines);
        foreach (var line in order.Lines)
        {
            WriteLine(w, line, writeNulls: false);
        }
        w.WriteEndArray();
        if (order.PaymentStatus is not null)
        {
            w.WriteString(Names.PaymentStatus, order.PaymentStatus);
        }
        w.WriteEndObject();
    }

    /// <summary>As the outbox's web defaults write <see cref="InteractionMapper.Placed"/>'s <see cref="OrderPlaced"/> (imported): nulls written.</summary>
    private static void WriteOrderPlaced(Utf8JsonWriter w, Interaction interaction, OrderPayload order)
    {
        w.WriteStartObject();
        w.WriteString(Names.InteractionId, interaction.Id);
        w.WriteString(Names.ContactId, interaction.ContactId);
        w.WriteString(Names.OrderNumber, order.Number);
        w.WriteString(Names.OrderedAt, interaction.OccurredAt);
        w.WriteNumber(Names.Total, order.Total);
        w.WriteString(Names.Currency, order.Currency);
        w.WriteStartArray(Names.Lines);
        foreach (var line in order.Lines)
        {
            WriteLine(w, line, writeNulls: true);
        }
        w.WriteEndArray();
        WriteNullable(w, Names.Status, interaction.Status, writeNulls: true);
        WriteNullable(w, Names.PaymentStatus, order.PaymentStatus, writeNulls: true);
        w.WriteBoolean(Names.Imported, true);
        w.WriteEndObject();
    }

    // OrderLinePayload and the contract's OrderLine have the same fields in the same order.
    private static void WriteLine(Utf8JsonWriter w, OrderLinePayload line, bool writeNulls)
    {
        w.WriteStartObject();
        w.WriteString(Names.Sku, line.Sku);
        WriteNullable(w, Names.Name, line.Name, writeNulls);
        WriteNullable(w, Names.Category, line.Category, writeNulls);
        w.WriteNumber(Names.Quantity, line.Quantity);
        w.WriteNumber(Names.UnitPrice, line.UnitPrice);
        w.WriteEndObject();
    }

    private static void WriteNullable(Utf8JsonWriter w, JsonEncodedText name, string? value, bool writeNulls)
    {
        if (value is not null)
        {
            w.WriteString(name, value);
        }
        else if (writeNulls)
        {
            w.WriteNull(name);
        }
    }

    private static class Names
    {
        public static readonly JsonEncodedText ImportJobId = JsonEncodedText.Encode("importJobId");
        public static readonly JsonEncodedText Orders = JsonEncodedText.Encode("orders");
        public static readonly JsonEncodedText InteractionId = JsonEncodedText.Encode("interactionId");
        public static readonly JsonEncodedText ContactId = JsonEncodedText.Encode("contactId");
        public static readonly JsonEncodedText OrderNumber = JsonEncodedText.Encode("orderNumber");
        public static readonly JsonEncodedText OrderedAt = JsonEncodedText.Encode("orderedAt");
        public static readonly JsonEncodedText Number = JsonEncodedText.Encode("number");
        public static readonly JsonEncodedText Currency = JsonEncodedText.Encode("currency");
        public static readonly JsonEncodedText Total = JsonEncodedText.Encode("total");
        public static readonly JsonEncodedText Lines = JsonEncodedText.Encode("lines");
        public static readonly JsonEncodedText Status = JsonEncodedText.Encode("status");
        public static readonly JsonEncodedText PaymentStatus = JsonEncodedText.Encode("paymentStatus");
        public static readonly JsonEncodedText Imported = JsonEncodedText.Encode("imported");
        public static readonly JsonEncodedText Sku = JsonEncodedText.Encode("sku");
        public static readonly JsonEncodedText Name = JsonEncodedText.Encode("name");
        public static readonly JsonEncodedText Category = JsonEncodedText.Encode("category");
        public static readonly JsonEncodedText Quantity = JsonEncodedText.Encode("quantity");
        public static readonly JsonEncodedText UnitPrice = JsonEncodedText.Encode("unitPrice");
    }
}
