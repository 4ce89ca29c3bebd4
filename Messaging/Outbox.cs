using System.Diagnostics;
using System.Text.Json;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace CustomerBase.Messaging;

public static class Outbox
{
    internal static readonly JsonSerializerOptions SerializerOptions = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Adds an event to the outbox of this DbContext. It is written by the caller's next SaveChanges, in the same
    /// transaction as the data change, and published by the <see cref="OutboxDispatcher{TDbContext}"/> after commit.
    /// </summary>
    public static OutboxMessage AddToOutbox<TMessage>(this DbContext db, TMessage message) where TMessage : class
    {
        var row = CreateMessage(message);
        db.Set<OutboxMessage>().Add(row);
        return row;
    }

    /// <summary>
    /// The outbox row of an event, for writers that bypass the change tracker (bulk COPY): insert it in the same
    /// transaction as the data, then call <see cref="OutboxSignal.Notify"/> after commit.
    /// </summary>
    public static OutboxMessage CreateMessage<TMessage>(TMessage message) where TMessage : class =>
        CreateMessageFromJson<TMessage>(JsonSerializer.Serialize(message, SerializerOptions));

    /// <summary>The one constructor of outbox rows: an event's type, its body and where and when it was written.</summary>
    private static OutboxMessage CreateMessageFromJson<TMessage>(string json) where TMessage : class
    {
        var now = DateTimeOffset.UtcNow;
        return new OutboxMessage
        {
            Id = NewId.NextGuid(),
            MessageType = TypeName(typeof(TMessage)),
            Body = json,
            TraceParent = Activity.Current?.Id,
            CreatedAt = now,
            NextAttemptAt = now,
        };
    }

    /// <summary>
    /// The outbox row of an event whose body a bulk writer copies into the table itself, as UTF-8 JSON written as
    /// <see cref="CreateMessage{TMessage}(TMessage)"/> would serialise it; the row's <see cref="OutboxMessage.Body"/>
    /// stays empty. Spares a large event its string (hundreds of KB on the large-object heap, per message).
    /// </summary>
    public static OutboxMessage CreateBulkMessage<TMessage>() where TMessage : class => CreateMessageFromJson<TMessage>("");

    internal static string TypeName(Type type) => $"{type.FullName}, {type.Assembly.GetName().Name}";
}
