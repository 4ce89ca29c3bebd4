using CustomerBase.Contacts.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CustomerBase.Contacts.CustomFields;

/// <summary>
/// The definitions in memory, so that validating a card costs no query. This instance reloads at once after its own
/// changes and every few seconds otherwise, so a definition changed on another replica applies there within that time.
/// </summary>
public sealed class CustomFieldCatalog(IServiceScopeFactory scopes, ILogger<CustomFieldCatalog> logger) : BackgroundService
{
    public static readonly TimeSpan RefreshEvery = TimeSpan.FromSeconds(5);

    private volatile IReadOnlyDictionary<string, CustomFieldDefinition> _definitions = new Dictionary<string, CustomFieldDefinition>();

    public IReadOnlyDictionary<string, CustomFieldDefinition> Definitions => _definitions;

    public CustomFieldDefinition? Find(string key) => _definitions.GetValueOrDefault(key);

    /// <summary>The definition a spreadsheet header names: its key or its label, in any letter case.</summary>
    public CustomFieldDefinition? FindByHeader(string header) =>
        _definitions.Values.FirstOrDefault(d => string.Equals(d.Key, header, StringComparison.OrdinalIgnoreCase)
                                             || string.Equals(d.Label, header, StringComparison.OrdinalIgnoreCase));

    public async Task ReloadAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ContactsDbContext>();
        var definitions = await db.CustomFieldDefinitions.AsNoTracking().ToListAsync(ct);
        _definitions = definitions.ToDictionary(d => d.Key);
    }

    /// <summary>Loads the definitions before the service takes requests, so that no write is checked against none.</summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await ReloadAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(RefreshEvery);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await ReloadAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning("Custom field definitions not reloaded: {ExceptionType}", ex.GetType().Name);
            }
        }
    }
}
