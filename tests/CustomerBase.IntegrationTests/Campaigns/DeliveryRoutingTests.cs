using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using CustomerBase.Campaigns.Contracts;
using MassTransit;

namespace CustomerBase.IntegrationTests.Campaigns;

/// <summary>Campaign tooling bound as the contract's README says gets its own channel's messages and no others.</summary>
public sealed class DeliveryRoutingTests(SystemFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AnSmsAdapterGetsSmsMessagesOnlyAndTheEmailAdapterEmailOnly()
    {
        using var campaigns = new CampaignsTestClient(fixture);
        var received = new ConcurrentQueue<DeliverMessage>();
        var adapter = Bus.Factory.CreateUsingRabbitMq(cfg =>
        {
            cfg.Host(new Uri(fixture.System.RabbitMq.ConnectionString.Replace("amqp://", "rabbitmq://")));
            cfg.ReceiveEndpoint($"test-sms-adapter-{Guid.NewGuid():N}", e =>
            {
                e.AutoDelete = true;
                e.ConfigureConsumeTopology = false;
                e.Bind(DeliveryTopology.Exchange, b => (b.ExchangeType, b.RoutingKey) = (DeliveryTopology.ExchangeType, "sms"));
                e.Handler<DeliverMessage>(context =>
                {
                    received.Enqueue(context.Message);
                    return Task.CompletedTask;
                });
            });
        });
        await adapter.StartAsync(Ct);
        try
        {
            var contact = await campaigns.CreateContactAsync(marketingConsent: false);
            var email = await campaigns.CreateCampaignAsync(CampaignsTestClient.EmailCampaign([contact.Id]));
            var sms = await campaigns.CreateCampaignAsync(new
            {
                name = $"sms {Guid.NewGuid():N}", purpose = "service", channel = "sms", audience = new { contactIds = new[] { contact.Id } },
                body = "{{ contact.first_name }}, your order is ready.",
            });
            var colleague = $"colleague-{Guid.NewGuid():N}@campaigns.test";
            const string colleaguePhone = "+48600100200";

            // The e-mail first, and seen arriving: had it been routed to the SMS queue too, it would be queued there
            // before the SMS below (a queue is first in, first out).
            await TestSendAsync(campaigns, email, contact.Id, colleague);
            await Eventually.Until(campaigns.MailboxAsync, m => m[colleague].Any(), what: "the test e-mail in MailDev");
            await TestSendAsync(campaigns, sms, contact.Id, colleaguePhone);
            await Eventually.Until(() => Task.FromResult(received.Count), n => n > 0, what: "the SMS at the SMS adapter");

            var message = Assert.Single(received);
            Assert.Equal(("sms", colleaguePhone, sms), (message.Channel, message.Address, message.CampaignId));
            Assert.DoesNotContain(await campaigns.MailboxAsync(), m => m.Key == colleaguePhone.ToLowerInvariant());
        }
        finally
        {
            await adapter.StopAsync(Ct);
        }
    }

    private static async Task TestSendAsync(CampaignsTestClient campaigns, Guid campaign, Guid contactId, string address)
    {
        using var response = await campaigns.Gateway.PostAsJsonAsync($"/api/campaigns/{campaign}/test-send", new { contactId, address }, Ct);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }
}
