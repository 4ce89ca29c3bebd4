using CustomerBase.Contacts.Contracts.Grpc;

namespace CustomerBase.Interactions.Model;

/// <summary>
/// Whether a contact exists and the caller may see it, asked of the contacts service over gRPC with the caller's
/// token (never by reading its database). Not cached yet: the batched, cached check belongs with bulk ingest.
/// </summary>
public sealed class ContactChecker(ContactsDirectory.ContactsDirectoryClient directory)
{
    public async Task<bool> ExistsAsync(Guid contactId, CancellationToken ct)
    {
        var reply = await directory.GetContactsAsync(new GetContactsRequest { Ids = { contactId.ToString() } }, cancellationToken: ct);
        return reply.Contacts.Count == 1;
    }
}
