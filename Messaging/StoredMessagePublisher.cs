using System.Collections.Concurrent;
using System.Net.Mime;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using MassTransit;
using MassTransit.Serialization;

namespace CustomerBase.Messaging;

/// <summary>
/// Publishes an outbox row's body as it was stored: the JSON goes into a MassTransit envelope byte for byte, to the
/// exchange of the row's message type, so consumers read it exactly as if the event had been published from its object.
/// Deserialising the body into the contract and serialising it again (as the dispatcher did before) cost a
/// 1,000-contact import event (~700 KB) megabytes of short-lived objects and most of the dispatcher's time.
/// </summary>
/// <remarks>
/// The exchange is the type's publish exchange (its topology applied as by <c>Publish</c>); a routing key computed from
/// the message's fields (a send topology set with <c>configureTopology</c>) cannot be applied to a body that is never
/// read: only types named in <see cref="OutboxOptions.StoredJsonTypes"/> come here.
/// </remarks>
internal sealed class StoredMessagePublisher(IBus bus)
{
    private static readonly JsonSerializerOptions EnvelopeOptions = new(SystemTextJsonMessageSerializer.Options)
    {
        Converters = { new StoredJsonConverter() },
    };

    private static readonly ConcurrentDictionary<Type, (string[] Names, Func<IPublishEndpointProvider, Task<ISendEndpoint>> Endpoint)> Types = new();

    /// <param name="messageType">The contract type the body was serialised from.</param>
    /// <param name="body">The stored JSON as UTF-8; read during the call only.</param>
    public async Task PublishAsync(Type messageType, Guid messageId, ReadOnlyMemory<byte> body, CancellationToken ct)
    {
        var (names, endpointOf) = Types.GetOrAdd(messageType, Describe);
        var endpoint = await endpointOf(bus);
        await endpoint.Send(new StoredMessage(body, names), Pipe.Execute<SendContext<StoredMessage>>(context =>
        {
            context.MessageId = messageId;
            context.Serializer = StoredMessageSerializer.Instance;
        }), ct);
    }

    private static (string[], Func<IPublishEndpointProvider, Task<ISendEndpoint>>) Describe(Type type)
    {
        var names = (string[])typeof(MessageTypeCache<>).MakeGenericType(type)
            .GetProperty(nameof(MessageTypeCache<object>.MessageTypeNames), BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;
        var method = typeof(IPublishEndpointProvider).GetMethod(nameof(IPublishEndpointProvider.GetPublishSendEndpoint))!.MakeGenericMethod(type);
        return (names, provider => (Task<ISendEndpoint>)method.Invoke(provider, null)!);
    }

    /// <summary>What is handed to the send pipeline in place of the event object: the body and type names its serializer writes.</summary>
    internal sealed record StoredMessage(ReadOnlyMemory<byte> Body, string[] MessageTypeNames);

    /// <summary>Writes MassTransit's JSON envelope from the send context, with the <see cref="StoredMessage"/>'s body as its message.</summary>
    private sealed class StoredMessageSerializer : IMessageSerializer
    {
        public static readonly StoredMessageSerializer Instance = new();

        public ContentType ContentType => SystemTextJsonMessageSerializer.JsonContentType;

        public MessageBody GetMessageBody<T>(SendContext<T> context) where T : class
        {
            var stored = context.Message as StoredMessage ?? throw new InvalidOperationException("Only a stored message is written by this serializer.");
            return new BytesMessageBody(JsonSerializer.SerializeToUtf8Bytes(
                new JsonMessageEnvelope(context, new StoredJson(stored.Body)) { MessageType = stored.MessageTypeNames }, EnvelopeOptions));
        }
    }

    private sealed record StoredJson(ReadOnlyMemory<byte> Utf8);

    /// <summary>The stored body goes in as it is: PostgreSQL's json type checked it when it was written.</summary>
    private sealed class StoredJsonConverter : JsonConverter<StoredJson>
    {
        public override StoredJson Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            throw new NotSupportedException("A stored body is only written.");

        public override void Write(Utf8JsonWriter writer, StoredJson value, JsonSerializerOptions options) =>
            writer.WriteRawValue(value.Utf8.Span, skipInputValidation: true);
    }
}
