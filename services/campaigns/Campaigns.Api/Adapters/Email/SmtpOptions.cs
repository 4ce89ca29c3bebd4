namespace CustomerBase.Campaigns.Adapters.Email;

/// <summary>Configuration section <c>Smtp</c>: where the e-mail adapter sends. Without <see cref="Host"/> the adapter is off.</summary>
public sealed class SmtpOptions
{
    public const string Section = "Smtp";

    public string? Host { get; set; }
    public int Port { get; set; } = 25;

    /// <summary>STARTTLS when the server offers it; false for a local MailDev.</summary>
    public bool UseTls { get; set; }
    public string? UserName { get; set; }
    public string? Password { get; set; }

    /// <summary>A connection unused this long is reopened before the next message, not found closed by it (below MailDev's 60 s).</summary>
    public TimeSpan IdleReconnectAfter { get; set; } = TimeSpan.FromSeconds(30);

    public string From { get; set; } = "CustomerBase <no-reply@customerbase.local>";
}
