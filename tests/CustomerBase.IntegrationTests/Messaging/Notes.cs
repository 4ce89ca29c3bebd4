using System.Collections.Concurrent;
using CustomerBase.Messaging;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace CustomerBase.IntegrationTests.Messaging;

/// <summary>A tiny domain for messaging tests: a note is written with a <see cref="NoteAdded"/> event, a consumer records what it received.</summary>
public sealed record NoteAdded(Guid NoteId, bool FailInConsumer = false);

/// <summary>A second event with no consumer, published from its object (not as stored JSON): the order test mixes both paths and two exchanges.</summary>
public sealed record NoteArchived(Guid NoteId);

public sealed class Note
{
    public Guid Id { get; init; }
}

/// <summary>One row per application of a message: no unique key, so a double application would show as two rows.</summary>
public sealed class ReceivedNote
{
    public long Id { get; init; }
    public Guid NoteId { get; init; }
}

public sealed class NotesDbContext(DbContextOptions<NotesDbContext> options) : DbContext(options)
{
    public DbSet<Note> Notes => Set<Note>();
    public DbSet<ReceivedNote> ReceivedNotes => Set<ReceivedNote>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.AddOutboxAndInbox();
}

public sealed class NoteAddedConsumer(NotesDbContext db, ILogger<NoteAddedConsumer> logger) : InboxConsumer<NotesDbContext, NoteAdded>(db, logger)
{
    protected override Task HandleAsync(NoteAdded message, ConsumeContext<NoteAdded> context)
    {
        if (message.FailInConsumer)
        {
            throw new InvalidOperationException("This note is meant to fail.");
        }
        Db.ReceivedNotes.Add(new ReceivedNote { NoteId = message.NoteId });
        return Task.CompletedTask;
    }
}

/// <summary>Counts finished consumptions per message id, so a test can await that a redelivery was handled.</summary>
public sealed class ConsumeLog : IConsumeObserver
{
    private readonly ConcurrentDictionary<Guid, int> _completed = new();

    public int Completed(Guid messageId) => _completed.GetValueOrDefault(messageId);

    public Task PostConsume<T>(ConsumeContext<T> context) where T : class
    {
        if (context.MessageId is { } id)
        {
            _completed.AddOrUpdate(id, 1, (_, n) => n + 1);
        }
        return Task.CompletedTask;
    }

    public Task PreConsume<T>(ConsumeContext<T> context) where T : class => Task.CompletedTask;
    public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception) where T : class => Task.CompletedTask;
}
