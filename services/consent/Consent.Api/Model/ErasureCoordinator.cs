using CustomerBase.Consent.Apis;
using CustomerBase.Consent.Contracts;
using CustomerBase.Consent.Infrastructure;
using CustomerBase.Messaging;
using CustomerBase.ServiceDefaults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CustomerBase.Consent.Model;

/// <summary>
/// Starts an erasure and follows it until every service has answered: the person's addresses go onto the
/// suppression list (as hashes, which outlive them), consent erases its own part at once, and ErasureRequested asks
/// every other service to do the same; each answer is recorded, and a service that stays silent is asked again.
/// </summary>
public sealed class ErasureCoordinator(ConsentDbContext db, AddressHasher hasher, IOptions<PersonalDataOptions> options)
{
    public async Task<ErasureRequest> StartAsync(Guid contactId, IReadOnlyList<string> emails, IReadOnlyList<string> phones, string actor, CancellationToken ct)
    {
        var open = await db.ErasureRequests.Include(r => r.Answers).FirstOrDefaultAsync(r => r.ContactId == contactId && r.CompletedAt == null, ct);
        if (open is not null)
        {
            return open;
        }
        var now = DateTimeOffset.UtcNow;
        var request = new ErasureRequest
        {
            Id = Guid.CreateVersion7(now),
            ContactId = contactId,
            RequestedBy = actor,
            RequestedAt = now,
            Deadline = now + options.Value.ErasureDeadline,
        };
        var others = options.Value.Services.Where(s => s != ResourceNames.Consent).ToList();
        request.Answers.AddRange(others.Select(s => new ErasureAnswer { RequestId = request.Id, Service = s, Attempts = 1, LastSentAt = now }));

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var hashes = emails.Select(e => (Kind: AddressKinds.Email, Hash: hasher.Hash(AddressKinds.Email, e), Address: e))
            .Concat(phones.Select(p => (Kind: AddressKinds.Phone, Hash: hasher.Hash(AddressKinds.Phone, p), Address: p)))
            .Where(h => h.Hash is not null).Select(h => (h.Kind, h.Hash!, h.Address)).ToList();
        var suppressed = await SuppressionsApi.AddAsync(db, hashes, "erasure", actor, ct);
        var erased = await ConsentErasure.EraseAsync(db, contactId, ct);
        request.Answers.Add(new ErasureAnswer
        {
            RequestId = request.Id, Service = ResourceNames.Consent, Attempts = 1, LastSentAt = now, CompletedAt = now,
            Detail = $"{erased} rows deleted; {suppressed} addresses suppressed",
        });
        if (others.Count == 0)
        {
            request.CompletedAt = now;
        }
        db.ErasureRequests.Add(request);
        db.AddToOutbox(new ErasureRequested(request.Id, contactId, others, now));
        db.Audit(actor, "erasure.requested", contactId, $"request={request.Id}");
        db.Audit(actor, "suppression.add", contactId, $"request={request.Id};reason=erasure", rowCount: suppressed);
        db.Audit(AuditTrail.System, "erasure.completed", contactId, $"request={request.Id};service={ResourceNames.Consent}", rowCount: erased);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return request;
    }

    /// <summary>Records one service's answer; the request completes with the last one.</summary>
    public async Task RecordAnswerAsync(ErasureCompleted answer, CancellationToken ct)
    {
        // Answers of several services are consumed at once: without the row lock each would see the others still
        // pending and none would complete the request. The lock is held until the inbox transaction commits.
        await db.Database.ExecuteSqlInterpolatedAsync($"SELECT 1 FROM erasure_requests WHERE id = {answer.RequestId} FOR UPDATE", ct);
        var request = await db.ErasureRequests.Include(r => r.Answers).FirstOrDefaultAsync(r => r.Id == answer.RequestId, ct);
        var part = request?.Answers.FirstOrDefault(a => a.Service == answer.Service);
        if (request is null || part is null || part.CompletedAt is not null)
        {
            return; // an answer to a request we do not know, from a service we did not ask, or a repeated one
        }
        part.CompletedAt = answer.CompletedAt;
        part.Detail = answer.Detail?.Length > 500 ? answer.Detail[..500] : answer.Detail;
        if (request.Answers.All(a => a.CompletedAt is not null))
        {
            request.CompletedAt = request.Answers.Max(a => a.CompletedAt);
        }
        db.Audit("service:" + answer.Service, "erasure.completed", request.ContactId, $"request={request.Id};service={answer.Service}");
    }

    /// <summary>Asks again every service that has not answered within <see cref="PersonalDataOptions.ResendAfter"/>; returns how many requests were re-sent.</summary>
    public async Task<int> ResendUnansweredAsync(CancellationToken ct)
    {
        var now = DateTimeOffset.UtcNow;
        var silentSince = now - options.Value.ResendAfter;
        var requests = await db.ErasureRequests.Include(r => r.Answers)
            .Where(r => r.CompletedAt == null && r.Answers.Any(a => a.CompletedAt == null && a.LastSentAt < silentSince))
            .OrderBy(r => r.RequestedAt).Take(100)
            .ToListAsync(ct);
        foreach (var request in requests)
        {
            var silent = request.Answers.Where(a => a.CompletedAt == null && a.LastSentAt < silentSince).ToList();
            foreach (var answer in silent)
            {
                answer.Attempts++;
                answer.LastSentAt = now;
            }
            db.AddToOutbox(new ErasureRequested(request.Id, request.ContactId, silent.Select(a => a.Service).ToList(), now));
            db.Audit(AuditTrail.System, "erasure.resent", request.ContactId, $"request={request.Id};services={string.Join(',', silent.Select(a => a.Service))}");
        }
        await db.SaveChangesAsync(ct);
        return requests.Count;
    }
}

/// <summary>Runs <see cref="ErasureCoordinator.ResendUnansweredAsync"/> on a timer. Safe with several replicas: a re-send is harmless.</summary>
public sealed class ErasureFollowUp(IServiceScopeFactory scopes, IOptions<PersonalDataOptions> options, ILogger<ErasureFollowUp> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.FollowUpInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var resent = await scope.ServiceProvider.GetRequiredService<ErasureCoordinator>().ResendUnansweredAsync(stoppingToken);
                if (resent > 0)
                {
                    logger.LogInformation("Re-sent {Count} erasure requests to services that had not answered", resent);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning("Erasure follow-up failed: {ExceptionType}", ex.GetType().Name);
            }
        }
    }
}
