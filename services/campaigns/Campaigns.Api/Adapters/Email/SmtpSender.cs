using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace CustomerBase.Campaigns.Adapters.Email;

/// <summary>
/// One SMTP connection kept open and reused (a connect per message would cost more than the message), reopened when
/// it drops or has been idle longer than <see cref="SmtpOptions.IdleReconnectAfter"/>: servers close idle sessions
/// (MailDev and Postfix after a minute or five) and the client only learns it from the reply to its next command.
/// </summary>
public sealed class SmtpSender(IOptions<SmtpOptions> options, TimeProvider time) : IAsyncDisposable
{
    private readonly SmtpOptions _options = options.Value;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly SmtpClient _client = new();
    private long _lastUsed;

    public async Task SendAsync(MimeMessage message, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            if (_client.IsConnected && time.GetElapsedTime(_lastUsed) > _options.IdleReconnectAfter)
            {
                await DropConnectionAsync();
            }
            if (!_client.IsConnected)
            {
                await _client.ConnectAsync(_options.Host ?? throw new InvalidOperationException("Smtp:Host is not configured."), _options.Port, _options.UseTls ? SecureSocketOptions.StartTlsWhenAvailable : SecureSocketOptions.None, ct);
                if (!string.IsNullOrEmpty(_options.UserName))
                {
                    await _client.AuthenticateAsync(_options.UserName, _options.Password ?? "", ct);
                }
            }
            await _client.SendAsync(message, ct);
            _lastUsed = time.GetTimestamp();
        }
        catch (Exception) when (_client.IsConnected)
        {
            // The next message starts on a fresh connection rather than one in an unknown state.
            await DropConnectionAsync();
            throw;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Closes the socket without a QUIT (the server may have gone already); any error closing it is moot.</summary>
    private async Task DropConnectionAsync()
    {
        try { await _client.DisconnectAsync(quit: false, CancellationToken.None); } catch (Exception) { }
    }

    public async ValueTask DisposeAsync()
    {
        if (_client.IsConnected)
        {
            await _client.DisconnectAsync(quit: true);
        }
        _client.Dispose();
    }
}
