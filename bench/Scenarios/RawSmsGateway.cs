using System.Buffers;
using System.Text.Json;
using CustomerBase.Campaigns.Contracts;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace CustomerBase.Bench.Scenarios;

/// <summary>
/// The stand-in SMS gateway written as tooling in any language would be, from the contract's README ("Without
/// MassTransit") alone: plain AMQP (RabbitMQ.Client), reading the two fields it needs from each delivery's envelope,
/// publishing a <see cref="DeliveryReceiptBatch"/> envelope with a publisher confirm, then acknowledging the batch's
/// deliveries with one <c>basic.ack</c> (<c>multiple</c>). On the bench's two
/// cores the gateway shares the CPU with the system it measures; MassTransit's consume pipeline cost it ~80 µs a message
/// (docs/campaigns.md, session 7), about a sixth of the machine, which a real gateway spends on its own host.
/// </summary>
internal sealed class RawSmsGateway : IAsyncDisposable
{
    private const string Queue = "bench-sms-gateway";
    private readonly IConnection _connection;
    private readonly IChannel _channel;
    private readonly IChannel _receipts;
    private readonly ArrayBufferWriter<byte> _envelope = new(128 * DeliveryReceiptBatch.MaxReceipts);
    private string? _contentType;
    private readonly Action<Guid> _received;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly List<DeliveryReceipt> _pending = new(DeliveryReceiptBatch.MaxReceipts);
    private readonly CancellationTokenSource _stopping = new();
    private ulong _lastTag;
    private long _firstPendingAt;
    private Task _flusher = Task.CompletedTask;

    private RawSmsGateway(IConnection connection, IChannel channel, IChannel receipts, Action<Guid> received) =>
        (_connection, _channel, _receipts, _received) = (connection, channel, receipts, received);

    /// <param name="received">Called with each campaign message's id (the ceiling loop's, with no campaign, are only acknowledged).</param>
    public static async Task<RawSmsGateway> StartAsync(string amqpUri, Action<Guid> received)
    {
        var connection = await new ConnectionFactory { Uri = new Uri(amqpUri) }.CreateConnectionAsync("bench-sms-gateway");
        var channel = await connection.CreateChannelAsync();
        // Confirmed publishing: each publish completes when the broker has the receipts, and only then are deliveries acknowledged.
        var receipts = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        // Two batches in hand: one being answered while the next arrives.
        await channel.BasicQosAsync(0, 2 * DeliveryReceiptBatch.MaxReceipts, false);
        await channel.ExchangeDeclareAsync(DeliveryTopology.Exchange, DeliveryTopology.ExchangeType, durable: true);
        await channel.QueueDeclareAsync(Queue, durable: true, exclusive: false, autoDelete: false);
        await channel.QueueBindAsync(Queue, DeliveryTopology.Exchange, "sms");
        var gateway = new RawSmsGateway(connection, channel, receipts, received);
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, delivery) => gateway.OnDeliveryAsync(delivery);
        await channel.BasicConsumeAsync(Queue, autoAck: false, consumer);
        gateway._flusher = gateway.FlushEveryAsync(TimeSpan.FromMilliseconds(20));
        return gateway;
    }

    private async Task OnDeliveryAsync(BasicDeliverEventArgs delivery)
    {
        var (messageId, campaignId) = Read(delivery.Body.Span);
        await _gate.WaitAsync();
        try
        {
            _contentType ??= delivery.BasicProperties.ContentType; // receipts go back in the envelope format received
            _lastTag = delivery.DeliveryTag;
            if (_firstPendingAt == 0)
            {
                _firstPendingAt = Environment.TickCount64;
            }
            if (campaignId != Guid.Empty)
            {
                _received(messageId);
                _pending.Add(new DeliveryReceipt(messageId, DeliveryStatus.Sent, DateTimeOffset.UtcNow, null));
            }
            if (_pending.Count == DeliveryReceiptBatch.MaxReceipts)
            {
                await FlushAsync();
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The message's id and campaign from MassTransit's JSON envelope (<c>message.messageId</c>, <c>message.campaignId</c>).</summary>
    private static (Guid MessageId, Guid CampaignId) Read(ReadOnlySpan<byte> envelope)
    {
        var reader = new Utf8JsonReader(envelope);
        var (messageId, campaignId) = (Guid.Empty, Guid.Empty);
        while (reader.Read())
        {
            if (reader.TokenType != JsonTokenType.PropertyName || reader.CurrentDepth != 2)
            {
                continue;
            }
            var isId = reader.ValueTextEquals("messageId"u8);
            var isCampaign = !isId && reader.ValueTextEquals("campaignId"u8);
            reader.Read();
            if (isId)
            {
                messageId = reader.GetGuid();
            }
            else if (isCampaign)
            {
                campaignId = reader.GetGuid();
            }
            else
            {
                reader.Skip();
            }
        }
        return messageId == Guid.Empty ? throw new InvalidDataException("A delivery without message.messageId.") : (messageId, campaignId);
    }

    /// <summary>Answers what is held and acknowledges every delivery up to the last one (receipts first: a crash between them redelivers, never loses).</summary>
    private async Task FlushAsync()
    {
        if (_pending.Count > 0)
        {
            WriteEnvelope();
            var properties = new BasicProperties { ContentType = _contentType, DeliveryMode = DeliveryModes.Persistent };
            await _receipts.BasicPublishAsync(ReceiptBatchExchange, "", mandatory: false, properties, _envelope.WrittenMemory);
            _pending.Clear();
        }
        if (_lastTag > 0)
        {
            await _channel.BasicAckAsync(_lastTag, multiple: true);
            _lastTag = 0;
        }
        _firstPendingAt = 0;
    }

    private const string ReceiptBatchExchange = "CustomerBase.Campaigns.Contracts:DeliveryReceiptBatch";

    /// <summary>MassTransit's JSON envelope of a <see cref="DeliveryReceiptBatch"/>: a new message id, the message type's URN, the message.</summary>
    private void WriteEnvelope()
    {
        _envelope.ResetWrittenCount();
        using var json = new Utf8JsonWriter(_envelope);
        json.WriteStartObject();
        json.WriteString("messageId", Guid.NewGuid());
        json.WriteStartArray("messageType");
        json.WriteStringValue("urn:message:" + ReceiptBatchExchange);
        json.WriteEndArray();
        json.WriteStartObject("message");
        json.WriteStartArray("receipts");
        foreach (var receipt in _pending)
        {
            json.WriteStartObject();
            json.WriteString("messageId", receipt.MessageId);
            json.WriteString("status", receipt.Status.ToString());
            json.WriteString("at", receipt.At);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndObject();
    }

    /// <summary>
    /// A batch is answered when full or when its first delivery is <paramref name="limit"/> old, as MassTransit's batch
    /// consumer with a time limit does (the stand-in it replaces), so the tail of a campaign is answered within a moment.
    /// </summary>
    private async Task FlushEveryAsync(TimeSpan limit)
    {
        using var timer = new PeriodicTimer(limit / 4);
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token))
            {
                await _gate.WaitAsync(_stopping.Token);
                try
                {
                    if (_firstPendingAt != 0 && Environment.TickCount64 - _firstPendingAt >= (long)limit.TotalMilliseconds)
                    {
                        await FlushAsync();
                    }
                }
                finally
                {
                    _gate.Release();
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _flusher;
        await _receipts.CloseAsync();
        await _channel.CloseAsync();
        await _connection.CloseAsync();
    }
}
