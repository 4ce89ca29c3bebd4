using System.Buffers.Text;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace CustomerBase.Consent.Contracts;

/// <summary>What an unsubscribe link stands for: stop <see cref="Purpose"/> on <see cref="Channel"/> for a contact.</summary>
public sealed record UnsubscribeRequest(Guid ContactId, string Purpose, string Channel, Guid? CampaignId);

/// <summary>
/// Signed unsubscribe tokens (HMAC-SHA256 over the contact, purpose, channel and campaign), base64url so they fit a
/// URL path. Campaigns signs links with the key it shares with consent (configuration <c>Consent:UnsubscribeKey</c>),
/// so building a message needs no call; consent verifies. Without the key a token can be neither forged nor altered.
/// </summary>
public sealed class UnsubscribeToken
{
    private const byte FormatVersion = 1;
    private const int MacLength = 32;
    private readonly byte[] _key;

    public UnsubscribeToken(byte[] key)
    {
        if (key.Length < 32)
        {
            throw new ArgumentException("The unsubscribe key must be at least 32 bytes.", nameof(key));
        }
        _key = key;
    }

    /// <summary>The key from its configured base64 form.</summary>
    public static UnsubscribeToken FromBase64Key(string? key) =>
        new(string.IsNullOrWhiteSpace(key) ? throw new InvalidOperationException("Consent:UnsubscribeKey is not configured.") : Convert.FromBase64String(key));

    public string Create(UnsubscribeRequest request)
    {
        var purpose = Encoding.UTF8.GetBytes(request.Purpose);
        var channel = Encoding.UTF8.GetBytes(request.Channel);
        if (purpose.Length > 255 || channel.Length > 255)
        {
            throw new ArgumentException("Purpose and channel names are at most 255 bytes.");
        }
        var payload = new byte[1 + 16 + 16 + 1 + purpose.Length + 1 + channel.Length];
        var span = payload.AsSpan();
        span[0] = FormatVersion;
        request.ContactId.TryWriteBytes(span[1..17], bigEndian: true, out _);
        (request.CampaignId ?? Guid.Empty).TryWriteBytes(span[17..33], bigEndian: true, out _);
        span[33] = (byte)purpose.Length;
        purpose.CopyTo(span[34..]);
        span[34 + purpose.Length] = (byte)channel.Length;
        channel.CopyTo(span[(35 + purpose.Length)..]);

        var token = new byte[payload.Length + MacLength];
        payload.CopyTo(token, 0);
        HMACSHA256.HashData(_key, payload, token.AsSpan(payload.Length));
        return Base64Url.EncodeToString(token);
    }

    /// <summary>The request a token stands for, or null when it was not signed with this key or was altered.</summary>
    public UnsubscribeRequest? Read(string token)
    {
        if (token.Length > 1024 || !Base64Url.IsValid(token))
        {
            return null;
        }
        var bytes = Base64Url.DecodeFromChars(token);
        if (bytes.Length < 1 + 16 + 16 + 1 + 1 + MacLength || bytes[0] != FormatVersion)
        {
            return null;
        }
        var payload = bytes.AsSpan(0, bytes.Length - MacLength);
        Span<byte> expected = stackalloc byte[MacLength];
        HMACSHA256.HashData(_key, payload, expected);
        if (!CryptographicOperations.FixedTimeEquals(expected, bytes.AsSpan(payload.Length)))
        {
            return null;
        }
        var purposeLength = payload[33];
        if (34 + purposeLength >= payload.Length)
        {
            return null;
        }
        var channelLength = payload[34 + purposeLength];
        if (35 + purposeLength + channelLength != payload.Length)
        {
            return null;
        }
        var campaign = new Guid(payload[17..33], bigEndian: true);
        return new UnsubscribeRequest(
            new Guid(payload[1..17], bigEndian: true),
            Encoding.UTF8.GetString(payload.Slice(34, purposeLength)),
            Encoding.UTF8.GetString(payload.Slice(35 + purposeLength, channelLength)),
            campaign == Guid.Empty ? null : campaign);
    }

    /// <summary>The public link for a message: <paramref name="publicBaseUrl"/> (the gateway's address) + /unsubscribe/{token}.</summary>
    public string Url(Uri publicBaseUrl, UnsubscribeRequest request) =>
        new Uri(publicBaseUrl, "/unsubscribe/" + Create(request)).ToString();
}
