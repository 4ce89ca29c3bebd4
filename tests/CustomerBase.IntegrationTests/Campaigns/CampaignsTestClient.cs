using MassTransit;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CustomerBase.ServiceDefaults.Security;

namespace CustomerBase.IntegrationTests.Campaigns;

/// <summary>Campaigns as the tests use them: contacts with e-mail and consent, campaigns through the gateway, and MailDev's inbox.</summary>
public sealed class CampaignsTestClient(SystemFixture fixture) : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public HttpClient Gateway { get; } = fixture.ClientFor(Roles.Administrator);
    private readonly HttpClient _mailDev = new() { BaseAddress = fixture.System.MailDev.WebUrl };

    /// <summary>A contact with a unique e-mail address; <paramref name="marketingConsent"/> grants marketing by e-mail (paper form, no double opt-in).</summary>
    public async Task<(Guid Id, string Email)> CreateContactAsync(bool marketingConsent = true, object? extra = null, HttpClient? client = null)
    {
        var email = $"c-{Guid.NewGuid():N}@campaigns.test";
        var card = new Dictionary<string, object?> { ["firstName"] = "Irina", ["lastName"] = "Test", ["emails"] = new[] { email } };
        foreach (var property in extra?.GetType().GetProperties() ?? [])
        {
            card[property.Name] = property.GetValue(extra);
        }
        var id = await (client ?? Gateway).CreateContactAsync(card);
        if (marketingConsent)
        {
            await RecordConsentAsync([id], "grant", client);
        }
        return (id, email);
    }

    /// <summary>Many contacts at once, created in parallel, each client under its own rate limit; consent granted in one request.</summary>
    public async Task<List<(Guid Id, string Email)>> CreateContactsAsync(int count, Func<int, bool> consents)
    {
        var created = new (Guid Id, string Email)[count];
        foreach (var chunk in Enumerable.Range(0, count).Chunk(100))
        {
            using var client = fixture.ClientFor(Roles.Administrator);
            await Parallel.ForEachAsync(chunk, new ParallelOptions { MaxDegreeOfParallelism = 6, CancellationToken = Ct },
                async (i, _) => created[i] = await CreateContactAsync(marketingConsent: false, client: client));
        }
        await RecordConsentAsync(created.Where((_, i) => consents(i)).Select(c => c.Id).ToList(), "grant");
        return [.. created];
    }

    public async Task RecordConsentAsync(IReadOnlyCollection<Guid> contactIds, string action, HttpClient? client = null)
    {
        if (contactIds.Count == 0)
        {
            return;
        }
        var records = contactIds.Select(id => new { contactId = id, action, purpose = "marketing", channel = "email", source = "paper-form", evidence = new { documentRef = "form-1" } });
        using var response = await (client ?? Gateway).PostAsJsonAsync("/api/consent/records", new { records }, Ct);
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(Ct)}");
    }

    /// <summary>Segmentation answers a static list only with the contacts it knows: wait until it knows them all.</summary>
    public Task WaitUntilSegmentationKnowsAsync(IReadOnlyCollection<Guid> ids) =>
        Eventually.Until(async () =>
        {
            using var response = await Gateway.PostAsJsonAsync("/api/campaigns/audience-preview",
                new { purpose = "marketing", channel = "email", audience = new { contactIds = ids } }, Ct);
            return (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("total").GetInt32();
        }, total => total == ids.Count, TimeSpan.FromSeconds(60), "segmentation knowing every contact", pollEvery: TimeSpan.FromMilliseconds(500));

    public static object EmailCampaign(IEnumerable<Guid> contactIds, string? name = null, object? policies = null, object? schedule = null, object? trigger = null) => new
    {
        name = name ?? $"campaign {Guid.NewGuid():N}",
        purpose = "marketing",
        channel = "email",
        audience = new { contactIds = contactIds.ToArray() },
        subject = "Hello {{ contact.first_name }}",
        body = "Irina, hello! Campaign {{ campaign.name }}.\nStop: {{ unsubscribe_url }}",
        // Tests run at any hour: the send window is exercised by its own tests.
        policies = policies ?? new { respectSendWindow = false },
        schedule,
        trigger,
    };

    public async Task<Guid> CreateCampaignAsync(object campaign)
    {
        using var response = await Gateway.PostAsJsonAsync("/api/campaigns", campaign, Ct);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode}: {body}");
        return body.GetProperty("id").GetGuid();
    }

    public async Task<JsonElement> PostAsync(Guid campaignId, string action, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await Gateway.PostAsync($"/api/campaigns/{campaignId}/{action}", null, Ct);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.True(response.StatusCode == expected, $"{action}: {(int)response.StatusCode}: {body}");
        return body;
    }

    public Task<JsonElement> StatisticsAsync(Guid campaignId) =>
        Gateway.GetFromJsonAsync<JsonElement>($"/api/campaigns/{campaignId}/statistics", Ct);

    public Task<JsonElement> WaitForStatisticsAsync(Guid campaignId, Func<JsonElement, bool> done, string what, TimeSpan? timeout = null) =>
        Eventually.Until(() => StatisticsAsync(campaignId), done, timeout ?? TimeSpan.FromSeconds(60), what, pollEvery: TimeSpan.FromMilliseconds(250));

    public async Task<List<JsonElement>> MessagesAsync(Guid campaignId, Guid? contactId = null)
    {
        var query = contactId is null ? "" : $"?contactId={contactId}";
        return (await Gateway.GetFromJsonAsync<List<JsonElement>>($"/api/campaigns/{campaignId}/messages{query}", Ct))!;
    }

    /// <summary>Every e-mail MailDev received, grouped by recipient address.</summary>
    public async Task<ILookup<string, JsonElement>> MailboxAsync()
    {
        var emails = await _mailDev.GetFromJsonAsync<List<JsonElement>>("/api/email", Ct);
        return emails!.SelectMany(e => e.GetProperty("envelope").GetProperty("to").EnumerateArray().Select(to => (Address: to.GetProperty("address").GetString()!, Email: e)))
            .ToLookup(x => x.Address.ToLowerInvariant(), x => x.Email);
    }

    /// <summary>Publishes events on the system's broker as another service (or campaign tooling) would.</summary>
    public async Task PublishAsync(params object[] messages)
    {
        var bus = Bus.Factory.CreateUsingRabbitMq(rabbit => rabbit.Host(new Uri(fixture.System.RabbitMq.ConnectionString.Replace("amqp://", "rabbitmq://"))));
        await bus.StartAsync(Ct);
        try
        {
            foreach (var message in messages)
            {
                await bus.Publish(message, message.GetType(), Ct);
            }
        }
        finally
        {
            await bus.StopAsync(Ct);
        }
    }

    /// <summary>The headers of a received e-mail as sent (MailDev's JSON keeps only a few), folded lines unfolded.</summary>
    public async Task<Dictionary<string, string>> HeadersAsync(JsonElement email)
    {
        var source = await _mailDev.GetStringAsync($"/api/email/{email.GetProperty("id").GetString()}/source", Ct);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        string? last = null;
        foreach (var line in source.Split('\n').Select(l => l.TrimEnd('\r')).TakeWhile(l => l.Length > 0))
        {
            if (char.IsWhiteSpace(line[0]) && last is not null)
            {
                headers[last] += line.Trim();
                continue;
            }
            var colon = line.IndexOf(':');
            last = line[..colon];
            headers[last] = line[(colon + 1)..].Trim();
        }
        return headers;
    }

    public void Dispose()
    {
        Gateway.Dispose();
        _mailDev.Dispose();
    }
}
