using CustomerBase.Messaging;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using RabbitMQ.Client;

namespace CustomerBase.IntegrationTests.Messaging;

[Collection(nameof(OutboxAndInboxTests))] // they share one broker, and one test stops it
public sealed class OutboxAndInboxTests(MessagingFixture fixture) : IClassFixture<MessagingFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EventWrittenWhileTheBrokerIsDownIsDeliveredAfterItIsBack()
    {
        await fixture.RabbitMq.StopAsync(Ct);
        var noteId = Guid.NewGuid();
        try
        {
            await WriteNoteAsync(noteId);
            var pending = await Eventually.Until(() => OutboxRowAsync(noteId), row => row is { Attempts: > 0 },
                what: "a failed publish attempt while the broker is down");
            Assert.Null(pending!.SentAt);
        }
        finally
        {
            await fixture.RabbitMq.StartAsync(Ct);
        }

        var received = await Eventually.Until(() => ReceivedCountAsync(noteId), n => n > 0, TimeSpan.FromSeconds(60), "delivery after the broker restart");
        Assert.Equal(1, received);
        Assert.NotNull((await OutboxRowAsync(noteId))!.SentAt);
    }

    [Fact]
    public async Task StoredEventIsConsumedAsItsTypeUnderTheRowId()
    {
        var noteId = Guid.NewGuid();

        var row = await WriteNoteAsync(noteId);

        // The dispatcher publishes the stored JSON without reading it back into a NoteAdded: the consumer still
        // receives a NoteAdded, with the outbox row's id as its MessageId (what the inbox de-duplicates on).
        await Eventually.Until(() => Task.FromResult(fixture.ConsumeLog.Completed(row.Id)), n => n == 1, what: "the row's message consumed");
        Assert.Equal(1, await ReceivedCountAsync(noteId));
        Assert.NotNull((await OutboxRowAsync(noteId))!.SentAt);
    }

    [Fact]
    public async Task RedeliveredMessageIsAppliedOnce()
    {
        var noteId = Guid.NewGuid();
        var messageId = NewId.NextGuid();
        var bus = fixture.Host.Services.GetRequiredService<IBus>();

        await bus.Publish(new NoteAdded(noteId), c => c.MessageId = messageId, Ct);
        await bus.Publish(new NoteAdded(noteId), c => c.MessageId = messageId, Ct);

        await Eventually.Until(() => Task.FromResult(fixture.ConsumeLog.Completed(messageId)), n => n == 2, what: "both deliveries consumed");
        Assert.Equal(1, await ReceivedCountAsync(noteId));
    }

    [Fact]
    public async Task MessageThatKeepsFailingIsParkedInTheErrorQueue()
    {
        var noteId = Guid.NewGuid();
        var bus = fixture.Host.Services.GetRequiredService<IBus>();
        var errorQueue = $"{MessagingFixture.ServiceName}-note-added_error";

        await bus.Publish(new NoteAdded(noteId, FailInConsumer: true), Ct);

        var parked = await Eventually.Until(() => ErrorQueueHoldsAsync(errorQueue, noteId), found => found, what: "the message in " + errorQueue);
        Assert.True(parked);
        Assert.Equal(0, await ReceivedCountAsync(noteId));
    }

    [Fact]
    public async Task CleanUpRemovesOldSentAndInboxRowsAndKeepsUnsentOnes()
    {
        var now = DateTimeOffset.UtcNow;
        OutboxMessage Row(DateTimeOffset created, DateTimeOffset? sent) => new()
        {
            Id = Guid.NewGuid(), MessageType = "x", Body = "{}", CreatedAt = created, SentAt = sent,
            NextAttemptAt = now.AddYears(1), // never due: the dispatcher leaves these rows alone
        };
        var oldSent = Row(now.AddDays(-10), now.AddDays(-10));
        var oldUnsent = Row(now.AddDays(-10), null);
        var recentSent = Row(now, now);
        var oldInbox = new InboxMessage { MessageId = Guid.NewGuid(), Consumer = "test", ProcessedAt = now.AddDays(-10) };
        var recentInbox = new InboxMessage { MessageId = Guid.NewGuid(), Consumer = "test", ProcessedAt = now };
        await using (var scope = fixture.Host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<NotesDbContext>();
            db.AddRange(oldSent, oldUnsent, recentSent, oldInbox, recentInbox);
            await db.SaveChangesAsync(Ct);
        }

        await fixture.Host.Services.GetRequiredService<MessageLogCleaner<NotesDbContext>>().CleanAsync(now.AddDays(-7), Ct);

        await using (var scope = fixture.Host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<NotesDbContext>();
            var outboxIds = await db.Set<OutboxMessage>().Select(m => m.Id).ToListAsync(Ct);
            var inboxIds = await db.Set<InboxMessage>().Select(m => m.MessageId).ToListAsync(Ct);
            Assert.DoesNotContain(oldSent.Id, outboxIds);
            Assert.Contains(oldUnsent.Id, outboxIds);
            Assert.Contains(recentSent.Id, outboxIds);
            Assert.DoesNotContain(oldInbox.MessageId, inboxIds);
            Assert.Contains(recentInbox.MessageId, inboxIds);
        }
    }

    [Fact]
    public async Task RowsReachTheBrokerInTheOrderTheyWereWrittenAndOnlyConfirmedRowsAreMarkedSent()
    {
        // A queue of the test's own, bound to both events' exchanges, sees what the broker received and in which order.
        var factory = new ConnectionFactory { Uri = new Uri(fixture.RabbitMq.ConnectionString) };
        await using var connection = await factory.CreateConnectionAsync(Ct);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: Ct);
        var probe = (await channel.QueueDeclareAsync(exclusive: true, cancellationToken: Ct)).QueueName;
        foreach (var exchange in new[] { typeof(NoteAdded), typeof(NoteArchived) }.Select(t => $"{t.Namespace}:{t.Name}"))
        {
            await channel.ExchangeDeclareAsync(exchange, ExchangeType.Fanout, durable: true, cancellationToken: Ct); // as MassTransit declares it
            await channel.QueueBindAsync(probe, exchange, "", cancellationToken: Ct);
        }

        // Several batches' worth of rows, alternating a type published as stored JSON and one published from its
        // object, with distinct creation times (the order the dispatcher claims), and one row of an unknown type in
        // the middle: it fails when read, while rows before it may still be waiting for their confirm.
        const int count = 1_500;
        var start = DateTimeOffset.UtcNow.AddMinutes(-10);
        var rows = Enumerable.Range(0, count).Select(i => i % 2 == 0 ? Outbox.CreateMessage(new NoteAdded(Guid.NewGuid())) : Outbox.CreateMessage(new NoteArchived(Guid.NewGuid())))
            .Select((row, i) => new OutboxMessage
            {
                Id = row.Id, MessageType = row.MessageType, Body = row.Body, CreatedAt = start.AddMilliseconds(i), NextAttemptAt = start,
            })
            .ToList();
        var unknown = new OutboxMessage
        {
            Id = Guid.NewGuid(), MessageType = "CustomerBase.Nowhere.Missing, CustomerBase.Nowhere", Body = "{}",
            CreatedAt = start.AddMilliseconds(count / 2).AddTicks(5), NextAttemptAt = start,
        };
        await using (var scope = fixture.Host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<NotesDbContext>();
            db.AddRange(rows);
            db.Add(unknown);
            await db.SaveChangesAsync(Ct);
        }

        try
        {
            var ours = rows.Select(r => r.Id).ToHashSet();
            var received = new List<Guid>();
            await Eventually.Until(async () =>
            {
                while (await channel.BasicGetAsync(probe, autoAck: true, Ct) is { } message)
                {
                    using var envelope = System.Text.Json.JsonDocument.Parse(message.Body);
                    if (envelope.RootElement.GetProperty("messageId").GetGuid() is var id && ours.Contains(id)) // not another test's late event
                    {
                        received.Add(id);
                    }
                }
                return received.Count;
            }, n => n >= count, TimeSpan.FromSeconds(60), "every row at the probe queue");

            Assert.Equal(rows.Select(r => r.Id), received);
            var stored = await OutboxRowsAsync([.. rows.Select(r => r.Id), unknown.Id]);
            Assert.All(rows, row => Assert.NotNull(stored[row.Id].SentAt));
            Assert.Null(stored[unknown.Id].SentAt);
            Assert.True(stored[unknown.Id].Attempts > 0);
        }
        finally
        {
            // The unknown row would be retried for ever, each attempt ending a batch early for the other tests.
            await using var scope = fixture.Host.Services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<NotesDbContext>().Set<OutboxMessage>().Where(r => r.Id == unknown.Id).ExecuteDeleteAsync(Ct);
        }
    }

    private async Task<Dictionary<Guid, OutboxMessage>> OutboxRowsAsync(Guid[] ids)
    {
        await using var scope = fixture.Host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<NotesDbContext>();
        return await db.Set<OutboxMessage>().AsNoTracking().Where(r => ids.Contains(r.Id)).ToDictionaryAsync(r => r.Id, Ct);
    }

    private async Task<OutboxMessage> WriteNoteAsync(Guid noteId)
    {
        await using var scope = fixture.Host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<NotesDbContext>();
        db.Notes.Add(new Note { Id = noteId });
        var row = db.AddToOutbox(new NoteAdded(noteId));
        await db.SaveChangesAsync(Ct);
        return row;
    }

    private async Task<OutboxMessage?> OutboxRowAsync(Guid noteId)
    {
        await using var scope = fixture.Host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<NotesDbContext>();
        var rows = await db.Set<OutboxMessage>().AsNoTracking().ToListAsync(Ct);
        return rows.SingleOrDefault(r => r.Body.Contains(noteId.ToString()));
    }

    private async Task<int> ReceivedCountAsync(Guid noteId)
    {
        await using var scope = fixture.Host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<NotesDbContext>();
        return await db.ReceivedNotes.CountAsync(r => r.NoteId == noteId, Ct);
    }

    /// <summary>Looks through the error queue with a plain AMQP client, leaving its messages in place.</summary>
    private async Task<bool> ErrorQueueHoldsAsync(string queue, Guid noteId)
    {
        var factory = new ConnectionFactory { Uri = new Uri(fixture.RabbitMq.ConnectionString) };
        await using var connection = await factory.CreateConnectionAsync(Ct);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: Ct);
        try
        {
            await channel.QueueDeclarePassiveAsync(queue, Ct);
        }
        catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
        {
            return false; // not declared yet: nothing has failed so far
        }
        var found = false;
        while (await channel.BasicGetAsync(queue, autoAck: false, Ct) is { } message)
        {
            found |= System.Text.Encoding.UTF8.GetString(message.Body.Span).Contains(noteId.ToString());
        }
        return found; // unacknowledged messages return to the queue when the channel closes
    }
}
