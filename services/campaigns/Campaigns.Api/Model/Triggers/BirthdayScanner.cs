using CustomerBase.Campaigns.Infrastructure;
using CustomerBase.Contacts.Contracts.Grpc;
using CustomerBase.Segmentation.Contracts.Grpc;
using Grpc.Core;
using Microsoft.Extensions.Options;

namespace CustomerBase.Campaigns.Model;

/// <summary>
/// Birthday campaigns: every <see cref="CampaignsOptions.TriggerScanInterval"/>, reads each running birthday campaign's
/// audience and their cards, and records a message for each contact whose moment (N days before, at the local hour)
/// falls before the next scan. The message waits in the release loop until that moment; its occurrence is the
/// birthday's year, so a contact gets one per year however often the scan runs.
/// </summary>
public sealed class BirthdayScanner(IServiceScopeFactory scopes, IOptions<CampaignsOptions> options, TimeProvider time, ILogger<BirthdayScanner> logger)
    : BackgroundService
{
    /// <summary>A scan that comes late (the service was down) still sends a birthday message up to this late.</summary>
    public static readonly TimeSpan LateBy = TimeSpan.FromHours(12);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.TriggerScanInterval, time);
        do
        {
            try
            {
                await ScanAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning("Birthday scan failed: {ExceptionType}", ex.GetType().Name);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).AsCancellable());
    }

    public async Task ScanAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var db = services.GetRequiredService<CampaignsDbContext>();
        var audience = services.GetRequiredService<Audience.AudienceClient>();
        var contacts = services.GetRequiredService<ContactsDirectory.ContactsDirectoryClient>();
        var recorder = services.GetRequiredService<RecipientRecorder>();
        var ahead = options.Value.TriggerLookAhead + options.Value.TriggerScanInterval;

        foreach (var campaign in await TriggerRecorder.RunningAsync(db, TriggerKinds.Birthday, ct))
        {
            var trigger = campaign.Trigger!;
            var compiled = CompiledCampaign.Compile(campaign);
            using var stream = audience.Resolve(CampaignLauncher.AudienceRequest(campaign), cancellationToken: ct);
            await foreach (var batch in stream.ResponseStream.ReadAllAsync(ct))
            {
                var request = new GetContactsRequest();
                request.Ids.AddRange(batch.ContactIds);
                var reply = await contacts.GetContactsAsync(request, cancellationToken: ct);
                var now = time.GetUtcNow();
                var due = reply.Contacts.Select(RecipientCard.From)
                    .Select(card => (card.Id, Due: card.BirthDate is { } birth
                        ? BirthdayTrigger.Due(birth, card.Zone, trigger.DaysBefore, trigger.LocalHour, now, ahead, LateBy)
                        : null))
                    .Where(c => c.Due is not null)
                    .GroupBy(c => c.Due!.Value);
                foreach (var group in due)
                {
                    var (year, at) = group.Key;
                    await recorder.RecordAsync(db, campaign, compiled, $"birthday-{year}", group.Select(c => c.Id).ToList(), at, ct);
                }
            }
        }
    }
}
