using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace CustomerBase.Messaging;

/// <summary>Wakes the dispatcher as soon as outbox rows may have been committed, so events leave within milliseconds rather than at the next poll.</summary>
public sealed class OutboxSignal
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Notify()
    {
        // At most one pending wake-up: the dispatcher drains everything each time it wakes.
        if (_signal.CurrentCount == 0)
        {
            try { _signal.Release(); } catch (SemaphoreFullException) { }
        }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct) => _signal.WaitAsync(timeout, ct);

    // Which contexts have outbox rows written but not yet committed. Weak keys: a disposed context never leaks.
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<DbContext, object> _pending = [];

    /// <summary>
    /// For outbox rows written by SQL rather than through the change tracker: the dispatcher is woken when the
    /// transaction of <paramref name="context"/> commits (at once, if it has none), as it is for rows SaveChanges adds.
    /// </summary>
    public void NotifyAfterCommit(DbContext context)
    {
        if (context.Database.CurrentTransaction is null)
        {
            Notify();
            return;
        }
        Remember(context);
    }

    internal void Remember(DbContext context) => _pending.AddOrUpdate(context, this);

    /// <summary>Wakes the dispatcher if <paramref name="context"/> had outbox rows waiting for its commit.</summary>
    internal void NotifyIfPending(DbContext context)
    {
        if (_pending.Remove(context))
        {
            Notify();
        }
    }
}

/// <summary>Notifies the <see cref="OutboxSignal"/> after a save that added outbox rows, or after the transaction around it commits.</summary>
internal sealed class OutboxSignalInterceptor(OutboxSignal signal) : SaveChangesInterceptor, IDbTransactionInterceptor
{
    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Remember(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Remember(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        NotifyIfCommitted(eventData.Context);
        return result;
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        NotifyIfCommitted(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => NotifyIfPending(eventData.Context);

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        NotifyIfPending(eventData.Context);
        return Task.CompletedTask;
    }

    private void Remember(DbContext? context)
    {
        if (context is not null && context.ChangeTracker.Entries<OutboxMessage>().Any(e => e.State == EntityState.Added))
        {
            signal.Remember(context);
        }
    }

    private void NotifyIfCommitted(DbContext? context)
    {
        // Inside an explicit transaction the rows are not visible until commit: wait for TransactionCommitted.
        if (context is not null && context.Database.CurrentTransaction is null)
        {
            NotifyIfPending(context);
        }
    }

    private void NotifyIfPending(DbContext? context)
    {
        if (context is not null)
        {
            signal.NotifyIfPending(context);
        }
    }
}
