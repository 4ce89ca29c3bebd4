using CustomerBase.Interactions.Contracts;
using CustomerBase.Interactions.Infrastructure;
using CustomerBase.Messaging;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CustomerBase.Interactions.Model;

public sealed class TaskSchedulerOptions
{
    /// <summary>How often due tasks are looked for; a task's <c>TaskDue</c> leaves at most this long after its due time.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);
    public int BatchSize { get; set; } = 500;
}

/// <summary>
/// Publishes <c>TaskDue</c> once per due time. Each round claims open, unannounced, due tasks with FOR UPDATE SKIP LOCKED
/// (so replicas share the work and never take the same task), marks them announced and writes the events to the outbox
/// in the same transaction: a crash before commit leaves them to be claimed again, never announced twice.
/// </summary>
public sealed class TaskDueScheduler(IServiceScopeFactory scopes, IOptions<TaskSchedulerOptions> options, TimeProvider clock, ILogger<TaskDueScheduler> logger)
    : BackgroundService
{
    private const string ClaimSql = """
        SELECT * FROM tasks
        WHERE status = 'open' AND due_notified_at IS NULL AND due_at <= {0}
        ORDER BY due_at
        LIMIT {1}
        FOR UPDATE SKIP LOCKED
        """;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.PollInterval, clock);
        do
        {
            try
            {
                while (await AnnounceDueAsync(stoppingToken) == options.Value.BatchSize)
                {
                    // A full batch: more may be waiting.
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Announcing due tasks failed; retrying at the next round");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>One round: claims due tasks, announces them, returns how many.</summary>
    public async Task<int> AnnounceDueAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<InteractionsDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var now = clock.GetUtcNow();
        var due = await db.Tasks.FromSqlRaw(ClaimSql, now, options.Value.BatchSize).ToListAsync(ct);
        foreach (var task in due)
        {
            task.DueNotifiedAt = now;
            db.AddToOutbox(new TaskDue(task.Id, task.Title, task.Kind, task.DueAt, task.Assignee, task.ContactId));
        }
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        if (due.Count > 0)
        {
            logger.LogInformation("Announced {Count} due tasks", due.Count);
        }
        return due.Count;
    }
}
