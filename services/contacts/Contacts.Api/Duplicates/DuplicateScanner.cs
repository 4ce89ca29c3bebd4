using System.Threading.Channels;
using CustomerBase.Contacts.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace CustomerBase.Contacts.Duplicates;

/// <summary>
/// Runs duplicate scans one at a time. Each key kind is one grouping query that PostgreSQL answers with a hash
/// aggregate over the whole table (seconds at a million contacts); only the ids of contacts that share a key come back,
/// and <see cref="DuplicateGrouping"/> joins the overlapping sets. A scan interrupted by a restart is marked failed.
/// </summary>
public sealed class DuplicateScanner(IServiceScopeFactory scopes, ILogger<DuplicateScanner> logger) : BackgroundService
{
    private readonly Channel<Guid> _scans = Channel.CreateUnbounded<Guid>();

    private static readonly (string Stage, string Reason, string Sql)[] Keys =
    [
        ("e-mails", "same e-mail", "SELECT array_agg(id ORDER BY id) FROM scope, unnest(email_keys) AS k GROUP BY k HAVING count(*) > 1"),
        ("phones", "same phone", "SELECT array_agg(id ORDER BY id) FROM scope, unnest(phones) AS k GROUP BY k HAVING count(*) > 1"),
        ("names", "same name and birth date", "SELECT array_agg(id ORDER BY id) FROM scope WHERE birth_date IS NOT NULL AND search_name <> '' GROUP BY search_name, birth_date HAVING count(*) > 1"),
    ];

    public void Enqueue(Guid scanId) => _scans.Writer.TryWrite(scanId);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ContactsDbContext>();
            await db.DuplicateScans.Where(s => s.Status == ScanStatus.Running || s.Status == ScanStatus.Queued).ExecuteUpdateAsync(s => s
                .SetProperty(x => x.Status, ScanStatus.Failed)
                .SetProperty(x => x.FailureReason, "The service restarted before the scan finished; start a new one.")
                .SetProperty(x => x.FinishedAt, DateTimeOffset.UtcNow), stoppingToken);
        }
        await foreach (var id in _scans.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                await RunAsync(id, stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(ex, "Duplicate scan {ScanId} failed", id);
                await UpdateAsync(id, s => s.SetProperty(x => x.Status, ScanStatus.Failed)
                    .SetProperty(x => x.FailureReason, "The scan stopped on an internal error.")
                    .SetProperty(x => x.FinishedAt, DateTimeOffset.UtcNow), CancellationToken.None);
            }
        }
    }

    private async Task RunAsync(Guid id, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ContactsDbContext>();
        var scan = await db.DuplicateScans.AsNoTracking().SingleAsync(s => s.Id == id, ct);
        await UpdateAsync(id, s => s.SetProperty(x => x.Status, ScanStatus.Running).SetProperty(x => x.StartedAt, DateTimeOffset.UtcNow), ct);

        // The scope: the whole base, or for a sales manager their own and their team's contacts.
        var (scopeSql, parameters) = scan.RestrictedToTeam
            ? ("SELECT id, email_keys, phones, search_name, birth_date FROM contacts WHERE owner_id = @subject OR (@team IS NOT NULL AND team = @team)",
               new object?[] { scan.CreatedBy, scan.Team })
            : ("SELECT id, email_keys, phones, search_name, birth_date FROM contacts", []);
        var grouping = new DuplicateGrouping();
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        for (var i = 0; i < Keys.Length; i++)
        {
            var (stage, reason, sql) = Keys[i];
            var percent = i * 30;
            await UpdateAsync(id, s => s.SetProperty(x => x.Stage, stage).SetProperty(x => x.Percent, percent), ct);
            await using var command = new NpgsqlCommand($"WITH scope AS ({scopeSql}) {sql}", connection) { CommandTimeout = 0 };
            if (parameters.Length > 0)
            {
                command.Parameters.Add(new NpgsqlParameter("subject", parameters[0]));
                command.Parameters.Add(new NpgsqlParameter("team", NpgsqlTypes.NpgsqlDbType.Text) { Value = parameters[1] ?? DBNull.Value });
            }
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                grouping.Add(reader.GetFieldValue<Guid[]>(0), reason);
            }
        }

        await UpdateAsync(id, s => s.SetProperty(x => x.Stage, "grouping").SetProperty(x => x.Percent, 90), ct);
        var groups = grouping.Groups();
        db.DuplicateGroups.AddRange(groups.Select((g, n) => new DuplicateGroup
        {
            ScanId = id, Ordinal = n + 1, ContactIds = [.. g.ContactIds], Reasons = [.. g.Reasons], Score = g.Score,
        }));
        await db.SaveChangesAsync(ct);
        var contacts = groups.Sum(g => g.ContactIds.Count);
        await UpdateAsync(id, s => s.SetProperty(x => x.Status, ScanStatus.Completed).SetProperty(x => x.Stage, "done").SetProperty(x => x.Percent, 100)
            .SetProperty(x => x.Groups, groups.Count).SetProperty(x => x.Contacts, contacts).SetProperty(x => x.FinishedAt, DateTimeOffset.UtcNow), ct);
        logger.LogInformation("Duplicate scan {ScanId} found {Groups} groups of {Contacts} contacts", id, groups.Count, contacts);
    }

    private async Task UpdateAsync(Guid id, Action<Microsoft.EntityFrameworkCore.Query.UpdateSettersBuilder<DuplicateScan>> set, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ContactsDbContext>();
        await db.DuplicateScans.Where(s => s.Id == id).ExecuteUpdateAsync(set, ct);
    }
}
