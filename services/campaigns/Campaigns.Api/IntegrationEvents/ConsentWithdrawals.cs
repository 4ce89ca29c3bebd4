using System.Net.Http.Json;
using CustomerBase.Campaigns.Model;
using CustomerBase.ServiceDefaults.Security;

namespace CustomerBase.Campaigns.IntegrationEvents;

/// <summary>Records with consent (REST, as campaigns' own account) that a person unsubscribed through campaign tooling.</summary>
public sealed class ConsentWithdrawals(HttpClient http, ServiceAccountTokens account)
{
    public async Task WithdrawAsync(CampaignMessage message, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/consent/{message.ContactId}/records")
        {
            Content = JsonContent.Create(new
            {
                action = "withdraw",
                purpose = message.Purpose,
                channel = CampaignChannels.ConsentChannel(message.Channel),
                source = "api",
                evidence = new { documentRef = $"delivery-receipt:{message.Id}" },
            }),
        };
        request.Headers.Authorization = new("Bearer", await account.GetAsync(ct));
        using var response = await http.SendAsync(request, ct);
        // A failure throws: the receipt is retried, then parked in the error queue, never silently lost.
        response.EnsureSuccessStatusCode();
    }
}
