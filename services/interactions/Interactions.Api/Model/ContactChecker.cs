using CustomerBase.Contacts.Contracts.Grpc;
using Grpc.Core;

namespace CustomerBase.Interactions.Model;

/// <summary>
/// Whether a contact exists and the caller may see it, asked of the contacts service over gRPC with the caller's
/// token (never by reading its database). Not cached yet: the batched, cached check belongs with bulk ingest.
/// </summary>
public sealed class ContactChecker(ContactsDirectory.ContactsDirectoryClient directory, ILogger<ContactChecker> logger)
{
    /// <summary>True or false; null when contacts cannot be asked right now (the caller answers 503, not a guess).</summary>
    public async Task<bool?> ExistsAsync(Guid contactId, CancellationToken ct)
    {
        try
        {
            var reply = await directory.GetContactsAsync(new GetContactsRequest { Ids = { contactId.ToString() } },
                deadline: DateTime.UtcNow.AddSeconds(5), cancellationToken: ct);
            return reply.Contacts.Count == 1;
        }
        catch (RpcException ex) when (ex.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded)
        {
            logger.LogWarning("Contacts directory unavailable: {StatusCode}", ex.StatusCode);
            return null;
        }
    }
}
