using CustomerBase.Campaigns.Contracts;
using CustomerBase.Campaigns.Infrastructure;
using CustomerBase.Campaigns.Model;
using CustomerBase.Messaging;
using MailKit.Net.Smtp;
using MassTransit;
using Microsoft.Extensions.Options;
using MimeKit;

namespace CustomerBase.Campaigns.Adapters.Email;

/// <summary>
/// The e-mail adapter (ADR 15): takes <see cref="DeliverMessage"/>s of the <c>email</c> channel, sends each over SMTP
/// with MailKit and answers a <see cref="DeliveryReceipt"/>: Sent, or Failed when the server refuses the address or
/// the message for good (a 5xx reply). A server that is away or answers 4xx throws: the message is retried with back-off, then
/// parked in <c>campaigns-email-delivery_error</c>. The inbox makes a redelivered message a no-op once answered.
/// </summary>
public sealed class EmailDeliveryConsumer(CampaignsDbContext db, SmtpSender smtp, IOptions<SmtpOptions> options, TimeProvider time, ILogger<EmailDeliveryConsumer> logger)
    : InboxConsumer<CampaignsDbContext, DeliverMessage>(db, logger)
{
    /// <summary>The queue is bound to e-mail only (<see cref="DeliveryRouting"/>); this guards against a hand-made binding.</summary>
    protected override bool Concerns(DeliverMessage message) => message.Channel == CampaignChannels.Email;

    protected override async Task HandleAsync(DeliverMessage message, ConsumeContext<DeliverMessage> context)
    {
        var now = time.GetUtcNow();
        if (now > message.NotAfter)
        {
            Db.AddToOutbox(new DeliveryReceipt(message.MessageId, DeliveryStatus.Failed, now, "expired"));
            return;
        }
        try
        {
            await smtp.SendAsync(ToMime(message, options.Value.From), context.CancellationToken);
            Db.AddToOutbox(new DeliveryReceipt(message.MessageId, DeliveryStatus.Sent, time.GetUtcNow(), null));
        }
        catch (SmtpCommandException ex) when (IsPermanent(ex))
        {
            logger.LogInformation("Message {MessageId} refused by the SMTP server: {ErrorCode} {StatusCode}", message.MessageId, ex.ErrorCode, ex.StatusCode);
            Db.AddToOutbox(new DeliveryReceipt(message.MessageId, DeliveryStatus.Failed, time.GetUtcNow(), $"{ex.ErrorCode} {(int)ex.StatusCode}"));
        }
        catch (ParseException)
        {
            Db.AddToOutbox(new DeliveryReceipt(message.MessageId, DeliveryStatus.Failed, time.GetUtcNow(), "invalid address"));
        }
    }

    /// <summary>
    /// A 5xx refusal of the address or the message is final. A 4xx reply is transient (RFC 5321 4.2.1): a server
    /// closing an idle connection answers the next command with 421, a busy one with 451; those are retried.
    /// </summary>
    public static bool IsPermanent(SmtpCommandException ex) =>
        ex.ErrorCode is SmtpErrorCode.RecipientNotAccepted or SmtpErrorCode.MessageNotAccepted or SmtpErrorCode.SenderNotAccepted
        && (int)ex.StatusCode >= 500;

    public static MimeMessage ToMime(DeliverMessage message, string from)
    {
        var mime = new MimeMessage();
        mime.From.Add(MailboxAddress.Parse(from));
        mime.To.Add(MailboxAddress.Parse(message.Address));
        mime.Subject = message.Subject ?? "";
        mime.MessageId = $"{message.MessageId:N}@customerbase";
        foreach (var (name, value) in message.Headers ?? new Dictionary<string, string>())
        {
            mime.Headers.Add(name, value);
        }
        mime.Body = new TextPart("plain") { Text = message.Body };
        return mime;
    }
}

/// <summary>The adapter's queue (<c>campaigns-email-delivery</c>) takes the <c>email</c> channel's messages only.</summary>
public sealed class EmailDeliveryConsumerDefinition : ConsumerDefinition<EmailDeliveryConsumer>
{
    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<EmailDeliveryConsumer> consumerConfigurator, IRegistrationContext context) =>
        DeliveryRouting.BindChannel(endpointConfigurator, CampaignChannels.Email);
}
