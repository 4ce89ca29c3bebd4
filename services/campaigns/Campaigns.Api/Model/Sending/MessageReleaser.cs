using CustomerBase.Campaigns.Contracts;
using CustomerBase.Campaigns.Infrastructure;
using CustomerBase.Consent.Contracts.Grpc;
using MassTransit;
using Google.Protobuf.WellKnownTypes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CustomerBase.Campaigns.Model;

/// <summary>
/// The release loop: takes due messages of running campaigns (<c>FOR UPDATE SKIP LOCKED</c>, so replicas share the
/// work and none releases a message twice), and for each, at this moment: drops it if it expired, excludes it if
/// consent no longer allows it, defers it to the recipient's next send window or past the frequency cap, or else
/// publishes it to tooling as a <see cref="DeliverMessage"/> and marks it released when the broker confirmed it, in
/// the transaction that holds the row (ADR 24: the row is its own outbox). Throttles per channel and campaign, and
/// stops releasing a channel while too many of its messages await a receipt, so RabbitMQ holds a bounded number
/// whatever the campaign's size.
/// </summary>
public sealed class MessageReleaser(
    IServiceScopeFactory scopes,
    IBus bus,
    RedisSendLimits limits,
    IOptions<CampaignsOptions> options,
    TimeProvider time,
    ILogger<MessageReleaser> logger) : BackgroundService
{
    private readonly CampaignsOptions _options = options.Value;

    /// <summary>Several loops per replica: while one waits for consent or the database, another prepares its batch (SKIP LOCKED keeps them apart).</summary>
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, Math.Max(1, _options.ReleaseWorkers)).Select(_ => Task.Run(() => LoopAsync(stoppingToken), stoppingToken)));

    private async Task LoopAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var handled = 0;
            try
            {
                handled = await ReleaseBatchAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogWarning("Releasing messages failed: {ExceptionType}", ex.GetType().Name);
            }
            if (handled == 0)
            {
                try
                {
                    await Task.Delay(_options.ReleaseInterval, time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    // Per campaign, so the index (campaign, not_before) of pending rows hands them over in order and the LIMIT stops
    // the scan. The earlier single query joined campaigns and ordered every campaign's due rows: PostgreSQL then sorted
    // all pending rows of a million-recipient campaign (on disk) for each batch of a thousand, two thirds of the machine.
    private const string ClaimDueSql = """
        SELECT * FROM campaign_messages
        WHERE campaign_id = {0} AND status = 'pending' AND not_before <= {1}
        ORDER BY not_before LIMIT {2}
        FOR UPDATE SKIP LOCKED
        """;

    /// <summary>Deals with one batch of due messages; returns how many it changed (0: nothing to do now).</summary>
    public async Task<int> ReleaseBatchAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CampaignsDbContext>();
        var consent = scope.ServiceProvider.GetRequiredService<ConsentCheck.ConsentCheckClient>();
        var now = time.GetUtcNow();

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // Running campaigns in a random order, so one with a million messages due does not hold back the others.
        var running = await db.Campaigns.AsNoTracking().Where(c => c.Status == CampaignStatus.Running).ToArrayAsync(ct);
        Random.Shared.Shuffle(running);
        // Untracked: most of a batch is released, which one set-based UPDATE records below; the rest is attached.
        var due = new List<CampaignMessage>(_options.ReleaseBatchSize);
        foreach (var campaign in running)
        {
            due.AddRange(await db.Messages.FromSqlRaw(ClaimDueSql, campaign.Id, now, _options.ReleaseBatchSize - due.Count).AsNoTracking().ToListAsync(ct));
            if (due.Count == _options.ReleaseBatchSize)
            {
                break;
            }
        }
        if (due.Count == 0)
        {
            return 0;
        }
        var campaigns = running.ToDictionary(c => c.Id);
        var inFlight = await db.Messages.Where(m => m.Status == MessageStatus.Released).GroupBy(m => m.Channel)
            .Select(g => new { Channel = g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Channel, g => g.Count, ct);

        var handled = new List<CampaignMessage>();
        var released = new List<Guid>();
        foreach (var group in due.GroupBy(m => m.CampaignId))
        {
            var campaign = campaigns[group.Key];
            var messages = group.ToList();
            var room = _options.MaxInFlightPerChannel - inFlight.GetValueOrDefault(campaign.Channel);
            var allowed = Math.Min(messages.Count, Math.Max(room, 0));
            allowed = await limits.TakeAsync(campaign.Channel, _options.MessagesPerSecond.GetValueOrDefault(campaign.Channel, 1000), allowed, now);
            if (campaign.Policies.MessagesPerSecond is { } own)
            {
                allowed = await limits.TakeAsync($"campaign:{campaign.Id:N}", own, allowed, now);
            }
            var taken = messages.Take(allowed).ToList();
            var confirmed = await ReleaseAsync(consent, campaign, taken, now, ct);
            inFlight[campaign.Channel] = inFlight.GetValueOrDefault(campaign.Channel) + confirmed.Count;
            handled.AddRange(taken);
            released.AddRange(confirmed);
        }
        // Every message handled and not released was changed (expired, excluded, deferred, or to be published again).
        var releasedIds = released.ToHashSet();
        db.Messages.UpdateRange(handled.Where(m => !releasedIds.Contains(m.Id)));
        await db.SaveChangesAsync(ct);
        if (released.Count > 0)
        {
            await db.Database.ExecuteSqlAsync(
                $"UPDATE campaign_messages SET status = {MessageStatus.Released}, released_at = {now} WHERE id = ANY({released.ToArray()})", ct);
        }
        await transaction.CommitAsync(ct);
        return handled.Count;
    }

    /// <summary>Decides each message and publishes those allowed; returns the ids the broker confirmed (the rest were changed in place).</summary>
    private async Task<List<Guid>> ReleaseAsync(ConsentCheck.ConsentCheckClient consent, Campaign campaign,
        List<CampaignMessage> messages, DateTimeOffset now, CancellationToken ct)
    {
        if (messages.Count == 0)
        {
            return [];
        }
        // Consent again, now: a campaign recorded days ago must not reach someone who withdrew since.
        var request = new ConsentCheckRequest { Purpose = campaign.Purpose, Channel = CampaignChannels.ConsentChannel(campaign.Channel), At = Timestamp.FromDateTimeOffset(now) };
        foreach (var message in messages)
        {
            request.ContactIds.Add(message.ContactId.ToString());
            if (message.Address is { } address)
            {
                request.Addresses.Add(new ContactAddress { ContactId = message.ContactId.ToString(), Address = address });
            }
        }
        var decisions = (await consent.CheckAsync(request, cancellationToken: ct)).Decisions.ToDictionary(d => Guid.Parse(d.ContactId));
        var cap = new FrequencyCap(_options.CapMaxMessages, _options.CapPeriod);
        var capped = campaign.Policies.ApplyFrequencyCap ?? campaign.Purpose == CampaignPurposes.Marketing;
        var ready = new List<CampaignMessage>(messages.Count);
        foreach (var message in messages)
        {
            if (now > message.NotAfter)
            {
                message.Status = MessageStatus.Expired;
                continue;
            }
            if (decisions.GetValueOrDefault(message.ContactId) is not { Allowed: true })
            {
                message.Status = MessageStatus.Excluded;
                message.ExcludedReason = decisions.TryGetValue(message.ContactId, out var decision) ? AudiencePreview.ReasonName(decision.Reason) : "noConsent";
                (message.Subject, message.Body, message.Address, message.UnsubscribeUrl) = (null, null, null, null);
                continue;
            }
            if (campaign.Policies.RespectSendWindow)
            {
                var window = SendWindow.For(message.TimeZone, message.WindowDays, message.WindowFrom, message.WindowTo, campaign.Policies);
                var next = window.NextAllowed(now);
                if (next > now)
                {
                    (message.NotBefore, message.DeferredReason) = (next, DeferralReasons.Window);
                    continue;
                }
            }
            ready.Add(message);
        }
        // The cap last, so a message held for its window does not use up the contact's allowance; the batch's checks in
        // one script (atomic in Redis, so two messages to one contact still count one by one).
        var deferredUntil = capped
            ? await limits.TryCountAsync(ready.Select(m => (m.ContactId, m.Id)).ToList(), cap, now)
            : new DateTimeOffset?[ready.Count];
        var going = new List<CampaignMessage>(ready.Count);
        for (var i = 0; i < ready.Count; i++)
        {
            if (deferredUntil[i] is { } allowedAt)
            {
                (ready[i].NotBefore, ready[i].DeferredReason) = (allowedAt, DeferralReasons.Cap);
                continue;
            }
            going.Add(ready[i]);
        }
        var confirmed = await Task.WhenAll(going.Select(m => TryPublishAsync(m, ct)));
        var released = new List<Guid>(going.Count);
        for (var i = 0; i < going.Count; i++)
        {
            if (confirmed[i])
            {
                released.Add(going[i].Id);
            }
            else
            {
                // Still pending: the next pass publishes it again (tooling de-duplicates by MessageId).
                going[i].NotBefore = now + _options.PublishRetryAfter;
            }
        }
        if (released.Count < going.Count)
        {
            logger.LogWarning("Publishing {Failed} of {Count} messages of campaign {CampaignId} failed; they stay pending", going.Count - released.Count, going.Count, campaign.Id);
        }
        return released;
    }

    /// <summary>
    /// Publishes with the broker's confirm before the row is marked released (all of a batch's publishes in flight at
    /// once). The MessageId is the message's own id, so a copy published again after a failed commit is one message to
    /// tooling's de-duplication (and to the e-mail adapter's inbox).
    /// </summary>
    private async Task<bool> TryPublishAsync(CampaignMessage message, CancellationToken ct)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(_options.PublishTimeout);
            await bus.Publish(ToDeliverMessage(message), context => context.MessageId = message.Id, timeout.Token);
            return true;
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            logger.LogDebug("Publishing message {MessageId} failed: {ExceptionType}", message.Id, ex.GetType().Name);
            return false;
        }
    }

    public static DeliverMessage ToDeliverMessage(CampaignMessage message)
    {
        var unsubscribe = message.UnsubscribeUrl is { } link ? new Uri(link) : null;
        var headers = message.Channel == CampaignChannels.Email && unsubscribe is not null && message.Purpose == CampaignPurposes.Marketing
            ? new Dictionary<string, string>
            {
                ["List-Unsubscribe"] = $"<{unsubscribe}>",
                ["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click",
            }
            : null;
        return new DeliverMessage(message.Id, message.CampaignId, message.ContactId, message.Channel, message.Address!, message.Subject,
            message.Body ?? "", unsubscribe, message.NotBefore, message.NotAfter, message.Purpose, headers);
    }
}
