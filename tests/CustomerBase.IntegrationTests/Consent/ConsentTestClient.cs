using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CustomerBase.Consent.Contracts;
using CustomerBase.Consent.Contracts.Grpc;
using CustomerBase.ServiceDefaults;
using CustomerBase.ServiceDefaults.Security;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;

namespace CustomerBase.IntegrationTests.Consent;

/// <summary>Consent as the tests use it: the REST API through the gateway, ConsentCheck on consent's gRPC endpoint.</summary>
public sealed class ConsentTestClient(SystemFixture fixture) : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly GrpcChannel _channel = GrpcChannel.ForAddress(fixture.System.Service(ResourceNames.Consent).GrpcUrl!,
        new GrpcChannelOptions { MaxReceiveMessageSize = 64 * 1024 * 1024, MaxSendMessageSize = 64 * 1024 * 1024 });

    public HttpClient Gateway { get; } = fixture.ClientFor(Roles.Administrator);

    public UnsubscribeToken UnsubscribeTokens { get; } = UnsubscribeToken.FromBase64Key(fixture.System.Secrets.UnsubscribeKey);

    /// <summary>Posts ledger entries in one transaction and returns what was recorded.</summary>
    public async Task<JsonElement> RecordAsync(params object[] records)
    {
        using var response = await Gateway.PostAsJsonAsync("/api/consent/records", new { records }, Ct);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}");
        return body;
    }

    public async Task SuppressAsync(IEnumerable<string> emails, IEnumerable<string> phones)
    {
        using var response = await Gateway.PostAsJsonAsync("/api/consent/suppressions", new { emails, phones }, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>The reply as it comes, for the ids exactly as given.</summary>
    public async Task<ConsentCheckReply> CheckRawAsync(IEnumerable<string> contactIds, string purpose, string channel)
    {
        var request = new ConsentCheckRequest { Purpose = purpose, Channel = channel };
        request.ContactIds.AddRange(contactIds);
        var headers = new Metadata { { "Authorization", "Bearer " + fixture.System.Issuer.CreateToken(Roles.Marketer) } };
        return await new ConsentCheck.ConsentCheckClient(_channel).CheckAsync(request, headers, cancellationToken: Ct);
    }

    /// <summary>The compact form: ids as 16 bytes each, the reply as packed reasons and legal bases.</summary>
    public async Task<ConsentCheckReply> CheckPackedAsync(IEnumerable<Guid> contactIds, string purpose, string channel)
    {
        var bytes = contactIds.SelectMany(id => id.ToByteArray(bigEndian: true)).ToArray();
        var request = new ConsentCheckRequest { Purpose = purpose, Channel = channel, ContactIdsPacked = Google.Protobuf.ByteString.CopyFrom(bytes) };
        var headers = new Metadata { { "Authorization", "Bearer " + fixture.System.Issuer.CreateToken(Roles.Marketer) } };
        return await new ConsentCheck.ConsentCheckClient(_channel).CheckAsync(request, headers, cancellationToken: Ct);
    }

    public async Task<Dictionary<Guid, ConsentDecision>> CheckAsync(
        IEnumerable<Guid> contactIds, string purpose, string channel, DateTimeOffset? at = null, IEnumerable<(Guid, string)>? addresses = null)
    {
        var request = new ConsentCheckRequest { Purpose = purpose, Channel = channel };
        request.ContactIds.AddRange(contactIds.Select(id => id.ToString()));
        if (at is { } moment)
        {
            request.At = Timestamp.FromDateTimeOffset(moment);
        }
        foreach (var (id, address) in addresses ?? [])
        {
            request.Addresses.Add(new ContactAddress { ContactId = id.ToString(), Address = address });
        }
        var client = new ConsentCheck.ConsentCheckClient(_channel);
        var headers = new Metadata { { "Authorization", "Bearer " + fixture.System.Issuer.CreateToken(Roles.Marketer) } };
        var reply = await client.CheckAsync(request, headers, cancellationToken: Ct);
        return reply.Decisions.ToDictionary(d => Guid.Parse(d.ContactId));
    }

    public async Task<ConsentReason> ReasonAsync(Guid contactId, string purpose, string channel, string? address = null) =>
        (await CheckAsync([contactId], purpose, channel, addresses: address is null ? null : [(contactId, address)]))[contactId].Reason;

    public void Dispose()
    {
        _channel.Dispose();
        Gateway.Dispose();
    }
}
