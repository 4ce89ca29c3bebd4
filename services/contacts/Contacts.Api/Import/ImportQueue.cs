using System.Threading.Channels;
using CustomerBase.Contacts.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CustomerBase.Contacts.Import;

/// <summary>
/// Runs import jobs one at a time, in the order they were uploaded. At start-up it repairs what a crash interrupted
/// and picks up jobs that were queued but not started.
/// </summary>
public sealed class ImportQueue(ContactImporter importer, IServiceScopeFactory scopes, ILogger<ImportQueue> logger) : BackgroundService
{
    private readonly Channel<Guid> jobs = Channel.CreateUnbounded<Guid>();

    public void Enqueue(Guid jobId) => jobs.Writer.TryWrite(jobId);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await importer.RepairAsync(stoppingToken);
            await using (var scope = scopes.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<ContactsDbContext>();
                foreach (var id in await db.ImportJobs.Where(j => j.Status == ImportStatus.Queued).OrderBy(j => j.CreatedAt).Select(j => j.Id).ToListAsync(stoppingToken))
                {
                    Enqueue(id);
                }
            }
            await foreach (var id in jobs.Reader.ReadAllAsync(stoppingToken))
            {
                try
                {
                    await importer.RunAsync(id, stoppingToken);
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    // The job could not even record its outcome (the database went away); the next start repairs it.
                    logger.LogError(ex, "Import {ImportId} could not be run", id);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            logger.LogCritical(ex, "The import queue stopped");
            throw;
        }
    }
}
