using System.Net;
using System.Net.Sockets;
using CustomerBase.Campaigns.Adapters.Email;
using MailKit.Net.Smtp;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using MimeKit;

namespace CustomerBase.UnitTests.Campaigns;

/// <summary>
/// The e-mail adapter against a server that does what MailDev and Postfix do with an idle session: answer 421 and
/// close it. The client only learns of it from the reply to its next command.
/// </summary>
public sealed class SmtpSenderTests : IAsyncDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly ClosingSmtpServer _server = new();
    private readonly FakeTimeProvider _clock = new();

    [Fact]
    public async Task ConnectionIdlePastTheBoundIsReopenedBeforeTheNextMessage()
    {
        await using var sender = new SmtpSender(Options.Create(new SmtpOptions { Host = "127.0.0.1", Port = _server.Port }), _clock);

        await sender.SendAsync(Message(), Ct);
        _clock.Advance(new SmtpOptions().IdleReconnectAfter + TimeSpan.FromSeconds(1));
        await sender.SendAsync(Message(), Ct);

        Assert.Equal(2, _server.Connections);
        Assert.Equal(2, _server.Delivered);
    }

    [Fact]
    public async Task ServerClosingTheSessionIsATransientFailureAndTheNextAttemptGoesThrough()
    {
        await using var sender = new SmtpSender(Options.Create(new SmtpOptions { Host = "127.0.0.1", Port = _server.Port }), _clock);
        await sender.SendAsync(Message(), Ct);

        var failure = await Assert.ThrowsAsync<SmtpCommandException>(() => sender.SendAsync(Message(), Ct));
        Assert.Equal(SmtpStatusCode.ServiceNotAvailable, failure.StatusCode);
        Assert.False(EmailDeliveryConsumer.IsPermanent(failure));

        await sender.SendAsync(Message(), Ct); // the retry
        Assert.Equal(2, _server.Delivered);
    }

    [Theory]
    [InlineData(SmtpErrorCode.RecipientNotAccepted, SmtpStatusCode.MailboxUnavailable, true)]
    [InlineData(SmtpErrorCode.MessageNotAccepted, SmtpStatusCode.TransactionFailed, true)]
    [InlineData(SmtpErrorCode.SenderNotAccepted, SmtpStatusCode.ServiceNotAvailable, false)]
    [InlineData(SmtpErrorCode.RecipientNotAccepted, SmtpStatusCode.MailboxBusy, false)]
    [InlineData(SmtpErrorCode.MessageNotAccepted, SmtpStatusCode.ErrorInProcessing, false)]
    public void OnlyA5xxRefusalIsFinal(SmtpErrorCode error, SmtpStatusCode status, bool permanent) =>
        Assert.Equal(permanent, EmailDeliveryConsumer.IsPermanent(new SmtpCommandException(error, status, "refused")));

    private static MimeMessage Message() => new(
        [MailboxAddress.Parse("no-reply@customerbase.test")], [MailboxAddress.Parse("someone@customerbase.test")], "s", new TextPart("plain") { Text = "b" });

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    /// <summary>Takes one message per session, then answers 421 to the next command and closes, as on an idle timeout.</summary>
    private sealed class ClosingSmtpServer : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _accepting;
        private int _connections, _delivered;

        public ClosingSmtpServer()
        {
            _listener.Start();
            _accepting = AcceptAsync();
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;
        public int Connections => Volatile.Read(ref _connections);
        public int Delivered => Volatile.Read(ref _delivered);

        private async Task AcceptAsync()
        {
            try
            {
                while (true)
                {
                    var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                    Interlocked.Increment(ref _connections);
                    _ = ServeAsync(client);
                }
            }
            catch (OperationCanceledException) { }
        }

        private async Task ServeAsync(TcpClient client)
        {
            using var _ = client;
            using var reader = new StreamReader(client.GetStream());
            await using var writer = new StreamWriter(client.GetStream()) { NewLine = "\r\n", AutoFlush = true };
            await writer.WriteLineAsync("220 stub ESMTP");
            var sessionDelivered = false;
            while (await reader.ReadLineAsync(_stop.Token) is { } line)
            {
                var verb = line.Split(' ', 2)[0].ToUpperInvariant();
                if (sessionDelivered && verb != "QUIT")
                {
                    await writer.WriteLineAsync("421 Timeout - closing connection");
                    return;
                }
                switch (verb)
                {
                    case "EHLO" or "HELO":
                        await writer.WriteLineAsync("250 stub");
                        break;
                    case "DATA":
                        await writer.WriteLineAsync("354 go ahead");
                        while (await reader.ReadLineAsync(_stop.Token) is { } data && data != ".") { }
                        Interlocked.Increment(ref _delivered);
                        sessionDelivered = true;
                        await writer.WriteLineAsync("250 queued");
                        break;
                    case "QUIT":
                        await writer.WriteLineAsync("221 bye");
                        return;
                    default:
                        await writer.WriteLineAsync("250 ok");
                        break;
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _listener.Stop();
            await _accepting;
        }
    }
}
