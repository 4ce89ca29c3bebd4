using System.Text;
using CustomerBase.Campaigns.Contracts;
using CustomerBase.Consent.Contracts.Grpc;
using CustomerBase.IntegrationTests.Consent;
using RabbitMQ.Client;

namespace CustomerBase.IntegrationTests.Campaigns;

/// <summary>Receipts from campaign tooling update the message and the statistics; an unsubscribe reaches consent.</summary>
public sealed class CampaignReceiptTests(SystemFixture fixture)
{
    [Fact]
    public async Task ReceiptsCountInTheStatisticsABounceKeepsItsReasonAndAnUnsubscribeWithdrawsConsent()
    {
        using var campaigns = new CampaignsTestClient(fixture);
        using var consent = new ConsentTestClient(fixture);
        var (contacts, campaign, messageIds) = await SentCampaignAsync(campaigns, 3);
        var (opened, leaving, bouncing) = (messageIds[0], messageIds[1], messageIds[2]);

        var now = DateTimeOffset.UtcNow;
        await campaigns.PublishAsync(
            new DeliveryReceipt(opened, DeliveryStatus.Delivered, now, null),
            new DeliveryReceipt(opened, DeliveryStatus.Clicked, now.AddMinutes(2), null),
            new DeliveryReceipt(opened, DeliveryStatus.Opened, now.AddMinutes(1), null), // late, out of order
            new DeliveryReceipt(leaving, DeliveryStatus.Unsubscribed, now, "reply STOP"),
            // Tooling in another time zone; the reason is what a user reads in the message list.
            new DeliveryReceipt(bouncing, DeliveryStatus.Bounced, now.ToOffset(TimeSpan.FromHours(2)), "550 5.1.1 mailbox unavailable"));

        var stats = await campaigns.WaitForStatisticsAsync(campaign,
            s => s.GetProperty("clicked").GetInt32() == 1 && s.GetProperty("unsubscribed").GetInt32() == 1 && s.GetProperty("bounced").GetInt32() == 1, "receipts applied");
        Assert.Equal((3, 1, 1, 1), (stats.GetProperty("sent").GetInt32(), stats.GetProperty("delivered").GetInt32(), stats.GetProperty("opened").GetInt32(), stats.GetProperty("clicked").GetInt32()));
        Assert.Equal("clicked", (await campaigns.MessagesAsync(campaign, contacts[0].Id)).Single().GetProperty("status").GetString());
        var bounced = (await campaigns.MessagesAsync(campaign, contacts[2].Id)).Single();
        Assert.Equal(("bounced", "550 5.1.1 mailbox unavailable"), (bounced.GetProperty("status").GetString(), bounced.GetProperty("outcomeDetail").GetString()));
        Assert.Null((await campaigns.MessagesAsync(campaign, contacts[0].Id)).Single().GetProperty("outcomeDetail").GetString());
        Assert.Equal(ConsentReason.Withdrawn, await consent.ReasonAsync(contacts[1].Id, "marketing", "email"));
        Assert.Equal(ConsentReason.Granted, await consent.ReasonAsync(contacts[0].Id, "marketing", "email"));
    }

    [Fact]
    public async Task ReceiptsReportedInBulkApplyAsIfSentAloneAndOnce()
    {
        using var campaigns = new CampaignsTestClient(fixture);
        using var consent = new ConsentTestClient(fixture);
        var (contacts, campaign, messageIds) = await SentCampaignAsync(campaigns, 2);
        var (clicking, leaving) = (messageIds[0], messageIds[1]);

        var now = DateTimeOffset.UtcNow;
        await campaigns.PublishAsync(new DeliveryReceiptBatch(
        [
            new DeliveryReceipt(clicking, DeliveryStatus.Clicked, now.AddMinutes(2), null),
            new DeliveryReceipt(clicking, DeliveryStatus.Delivered, now, null), // out of order within the batch
            new DeliveryReceipt(leaving, DeliveryStatus.Delivered, now, null),
            new DeliveryReceipt(leaving, DeliveryStatus.Unsubscribed, now.AddMinutes(1), "reply STOP"),
        ]));

        var stats = await campaigns.WaitForStatisticsAsync(campaign,
            s => s.GetProperty("clicked").GetInt32() == 1 && s.GetProperty("unsubscribed").GetInt32() == 1, "bulk receipts applied");
        Assert.Equal((2, 2, 1), (stats.GetProperty("sent").GetInt32(), stats.GetProperty("delivered").GetInt32(), stats.GetProperty("clicked").GetInt32()));
        Assert.Equal("clicked", (await campaigns.MessagesAsync(campaign, contacts[0].Id)).Single().GetProperty("status").GetString());
        Assert.Equal("unsubscribed", (await campaigns.MessagesAsync(campaign, contacts[1].Id)).Single().GetProperty("status").GetString());
        Assert.Equal(ConsentReason.Withdrawn, await consent.ReasonAsync(contacts[1].Id, "marketing", "email"));
        Assert.Equal(ConsentReason.Granted, await consent.ReasonAsync(contacts[0].Id, "marketing", "email"));
    }

    /// <summary>An e-mail campaign to new consenting contacts, launched and sent to all; each contact's message id, in the contacts' order.</summary>
    /// <summary>The contract README's "Without MassTransit" section, followed to the letter by a plain AMQP client.</summary>
    [Fact]
    public async Task ReceiptsPublishedWithAPlainAmqpClientAsTheReadmeShowsApply()
    {
        using var campaigns = new CampaignsTestClient(fixture);
        var (contacts, campaign, messageIds) = await SentCampaignAsync(campaigns, 2);
        var at = DateTimeOffset.UtcNow.ToString("O");
        var envelope = $$"""
            {
              "messageId": "{{Guid.NewGuid()}}",
              "messageType": ["urn:message:CustomerBase.Campaigns.Contracts:DeliveryReceiptBatch"],
              "message": { "receipts": [
                { "messageId": "{{messageIds[0]}}", "status": "Delivered", "at": "{{at}}" },
                { "messageId": "{{messageIds[1]}}", "status": "Bounced", "at": "{{at}}", "detail": "550 5.1.1 mailbox unavailable" } ] }
            }
            """;
        var ct = TestContext.Current.CancellationToken;
        await using var connection = await new ConnectionFactory { Uri = new Uri(fixture.System.RabbitMq.ConnectionString) }.CreateConnectionAsync(ct);
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), ct);
        await channel.BasicPublishAsync("CustomerBase.Campaigns.Contracts:DeliveryReceiptBatch", "", mandatory: false,
            new BasicProperties { ContentType = "application/vnd.masstransit+json", DeliveryMode = DeliveryModes.Persistent }, Encoding.UTF8.GetBytes(envelope), ct);

        var stats = await campaigns.WaitForStatisticsAsync(campaign,
            s => s.GetProperty("delivered").GetInt32() == 1 && s.GetProperty("bounced").GetInt32() == 1, "receipts of a plain AMQP client applied");
        Assert.Equal(2, stats.GetProperty("sent").GetInt32());
        Assert.Equal("delivered", (await campaigns.MessagesAsync(campaign, contacts[0].Id)).Single().GetProperty("status").GetString());
        var bounced = (await campaigns.MessagesAsync(campaign, contacts[1].Id)).Single();
        Assert.Equal(("bounced", "550 5.1.1 mailbox unavailable"), (bounced.GetProperty("status").GetString(), bounced.GetProperty("outcomeDetail").GetString()));
    }

    private static async Task<(List<(Guid Id, string Email)> Contacts, Guid Campaign, List<Guid> MessageIds)> SentCampaignAsync(CampaignsTestClient campaigns, int count)
    {
        var contacts = await campaigns.CreateContactsAsync(count, consents: _ => true);
        await campaigns.WaitUntilSegmentationKnowsAsync(contacts.Select(c => c.Id).ToList());
        var campaign = await campaigns.CreateCampaignAsync(CampaignsTestClient.EmailCampaign(contacts.Select(c => c.Id)));
        await campaigns.PostAsync(campaign, "launch");
        await campaigns.WaitForStatisticsAsync(campaign, s => s.GetProperty("sent").GetInt32() == count, "all sent");
        var messages = await campaigns.MessagesAsync(campaign);
        return (contacts, campaign,
            contacts.Select(c => messages.Single(m => m.GetProperty("contactId").GetGuid() == c.Id).GetProperty("id").GetGuid()).ToList());
    }
}
