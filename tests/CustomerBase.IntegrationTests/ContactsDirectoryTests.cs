using CustomerBase.Contacts.Contracts.Grpc;
using CustomerBase.ServiceDefaults;
using CustomerBase.ServiceDefaults.Security;
using Grpc.Core;
using Grpc.Net.Client;

namespace CustomerBase.IntegrationTests;

/// <summary>The gRPC directory other services use, called as they call it: on the grpc endpoint, with a bearer token.</summary>
public sealed class ContactsDirectoryTests(SystemFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private ContactsDirectory.ContactsDirectoryClient Client(out GrpcChannel channel)
    {
        channel = GrpcChannel.ForAddress(fixture.System.Service(ResourceNames.Contacts).GrpcUrl!);
        return new ContactsDirectory.ContactsDirectoryClient(channel);
    }

    private Metadata As(string role, string? team = null) =>
        new() { { "Authorization", "Bearer " + fixture.System.Issuer.CreateToken(role, team: team) } };

    [Fact]
    public async Task BatchReturnsWhatCampaignsNeedAndNamesTheMissing()
    {
        var id = await fixture.Gateway.CreateContactAsync("Daria", "Orlova");
        var unknown = Guid.NewGuid();
        var client = Client(out var channel);
        using (channel)
        {
            var request = new GetContactsRequest { Ids = { id.ToString(), unknown.ToString() } };

            var reply = await client.GetContactsAsync(request, As(Roles.Marketer), cancellationToken: Ct);

            var contact = Assert.Single(reply.Contacts);
            Assert.Equal(("Daria", "Orlova"), (contact.FirstName, contact.LastName));
            Assert.Equal([unknown.ToString()], reply.MissingIds);
        }
    }

    [Fact]
    public async Task ContactOutsideTheCallersTeamIsReportedMissing()
    {
        var id = (await fixture.Gateway.CreateContactAsync(new { firstName = "Far", team = "far-away" })).ToString();
        var client = Client(out var channel);
        using (channel)
        {
            var reply = await client.GetContactsAsync(new GetContactsRequest { Ids = { id } }, As(Roles.SalesManager, team: "near"), cancellationToken: Ct);

            Assert.Empty(reply.Contacts);
            Assert.Equal([id], reply.MissingIds);
        }
    }

    [Fact]
    public async Task CallWithoutTokenIsUnauthenticated()
    {
        var client = Client(out var channel);
        using (channel)
        {
            var error = await Assert.ThrowsAsync<RpcException>(() => client.GetContactsAsync(new GetContactsRequest(), cancellationToken: Ct).ResponseAsync);

            Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        }
    }

    [Fact]
    public async Task MalformedIdIsAnInvalidArgument()
    {
        var client = Client(out var channel);
        using (channel)
        {
            var error = await Assert.ThrowsAsync<RpcException>(() =>
                client.GetContactsAsync(new GetContactsRequest { Ids = { "not-a-uuid" } }, As(Roles.Administrator), cancellationToken: Ct).ResponseAsync);

            Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        }
    }
}
