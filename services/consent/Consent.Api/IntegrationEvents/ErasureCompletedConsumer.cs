using CustomerBase.Consent.Contracts;
using CustomerBase.Consent.Infrastructure;
using CustomerBase.Consent.Model;
using CustomerBase.Messaging;
using MassTransit;

namespace CustomerBase.Consent.IntegrationEvents;

/// <summary>A service's answer to an erasure request.</summary>
public sealed class ErasureCompletedConsumer(ConsentDbContext db, ErasureCoordinator coordinator, ILogger<ErasureCompletedConsumer> logger)
    : InboxConsumer<ConsentDbContext, ErasureCompleted>(db, logger)
{
    protected override Task HandleAsync(ErasureCompleted message, ConsumeContext<ErasureCompleted> context) =>
        coordinator.RecordAnswerAsync(message, context.CancellationToken);
}

/// <summary>Another service's read of personal data, into the one audit trail.</summary>
public sealed class PersonalDataAccessedConsumer(ConsentDbContext db, ILogger<PersonalDataAccessedConsumer> logger)
    : InboxConsumer<ConsentDbContext, PersonalDataAccessed>(db, logger)
{
    protected override Task HandleAsync(PersonalDataAccessed message, ConsumeContext<PersonalDataAccessed> context)
    {
        Db.AuditEntries.Add(new AuditEntry
        {
            Id = Guid.CreateVersion7(message.At),
            Service = Truncate(message.Service, 40),
            Actor = Truncate(message.Actor, 200),
            At = message.At,
            What = Truncate(message.What, 100),
            ContactId = message.ContactId,
            Filter = message.Filter is null ? null : Truncate(message.Filter, 1000),
            RowCount = message.RowCount,
        });
        return Task.CompletedTask;
    }

    private static string Truncate(string value, int max) => value.Length <= max ? value : value[..max];
}
