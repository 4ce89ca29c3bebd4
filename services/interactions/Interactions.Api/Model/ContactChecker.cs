using System.Collections.Concurrent;
using System.Security.Claims;
using CustomerBase.Contacts.Contracts.Grpc;
using CustomerBase.ServiceDefaults.Security;
using Grpc.Core;
using Microsoft.Extensions.Caching.Memory;

namespace CustomerBase.Interactions.Model;

/// <summary>Who asks: the key of the contacts they see (<see cref="TeamScope.Key"/>) and their bearer token, passed on to contacts.</summary>
public sealed record ContactCaller(string ScopeKey, string? Authorization)
{
    public static ContactCaller From(HttpContext context) =>
        new(TeamScope.Key(context.User), context.Request.Headers.Authorization.ToString() is { Length: > 0 } header ? header : null);

    public static ContactCaller From(ClaimsPrincipal user, string? authorization) => new(TeamScope.Key(user), authorization);
}

/// <summary>
/// Whether contacts exist and the caller may see them, asked of the contacts service over gRPC with the caller's token
/// (never by reading its database), up to 1,000 ids per call. Ids found visible are remembered for a minute per
/// caller scope, so a timeline or an import does not ask again; an unknown contact is never remembered, and a deleted
/// or merged one is forgotten as soon as its event arrives.
/// </summary>
public sealed class ContactChecker(ContactsDirectory.ContactsDirectoryClient directory, ILogger<ContactChecker> logger)
{
    private const int BatchSize = 1000;
    private static readonly TimeSpan Remember = TimeSpan.FromMinutes(1);

    // Per contact id: the caller scopes that saw it. Keyed by id so a deletion forgets it for every scope at once.
    private static readonly MemoryCache Visible = new(new MemoryCacheOptions { SizeLimit = 1_000_000 });

    /// <summary>True or false; null when contacts cannot be asked right now (the caller answers 503, not a guess).</summary>
    public async Task<bool?> ExistsAsync(Guid contactId, ContactCaller caller, CancellationToken ct) =>
        await VisibleAsync([contactId], caller, ct) is { } visible ? visible.Contains(contactId) : null;

    /// <summary>The subset of <paramref name="contactIds"/> the caller may see; null when contacts cannot be asked.</summary>
    public async Task<IReadOnlySet<Guid>?> VisibleAsync(IReadOnlyCollection<Guid> contactIds, ContactCaller caller, CancellationToken ct)
    {
        var visible = new HashSet<Guid>();
        var unknown = new List<Guid>();
        foreach (var id in contactIds.Distinct())
        {
            if (Visible.TryGetValue(id, out ConcurrentDictionary<string, byte>? scopes) && scopes!.ContainsKey(caller.ScopeKey))
            {
                visible.Add(id);
            }
            else
            {
                unknown.Add(id);
            }
        }

        var headers = caller.Authorization is null ? null : new Metadata { { "Authorization", caller.Authorization } };
        try
        {
            foreach (var batch in unknown.Chunk(BatchSize))
            {
                var request = new GetContactsRequest();
                request.Ids.AddRange(batch.Select(id => id.ToString()));
                var reply = await directory.GetContactsAsync(request, headers, DateTime.UtcNow.AddSeconds(10), ct);
                foreach (var contact in reply.Contacts)
                {
                    var id = Guid.Parse(contact.Id);
                    visible.Add(id);
                    var scopes = Visible.GetOrCreate(id, entry =>
                    {
                        entry.Size = 1;
                        entry.AbsoluteExpirationRelativeToNow = Remember;
                        return new ConcurrentDictionary<string, byte>();
                    })!;
                    scopes[caller.ScopeKey] = 0;
                }
            }
        }
        catch (RpcException ex) when (ex.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded)
        {
            logger.LogWarning("Contacts directory unavailable: {StatusCode}", ex.StatusCode);
            return null;
        }
        return visible;
    }

    /// <summary>A contact was deleted or merged away: no scope may see it from here on.</summary>
    public static void Forget(IEnumerable<Guid> contactIds)
    {
        foreach (var id in contactIds)
        {
            Visible.Remove(id);
        }
    }
}
