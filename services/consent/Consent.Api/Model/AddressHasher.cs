using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using PhoneNumbers;

namespace CustomerBase.Consent.Model;

/// <summary>
/// Normalises an address (e-mail trimmed and lower-cased, phone to E.164 as contacts stores it) and hashes it with
/// the deployment's secret key (<c>Consent:SuppressionKey</c>), so "Anna@Example.com " and "anna@example.com"
/// give one hash and nobody without the key can test a guess against the list.
/// </summary>
public sealed class AddressHasher(IOptions<ConsentKeys> keys)
{
    private static readonly PhoneNumberUtil Phones = PhoneNumberUtil.GetInstance();
    private readonly byte[] _key = Convert.FromBase64String(keys.Value.SuppressionKey);

    public static string NormaliseEmail(string email) => email.Trim().ToLowerInvariant();

    /// <summary>E.164, or null when it is not a valid phone number (in <paramref name="defaultRegion"/> when written without a country code).</summary>
    public static string? NormalisePhone(string phone, string defaultRegion)
    {
        try
        {
            var number = Phones.Parse(phone, defaultRegion);
            return Phones.IsValidNumber(number) ? Phones.Format(number, PhoneNumberFormat.E164) : null;
        }
        catch (NumberParseException)
        {
            return null;
        }
    }

    /// <summary>The hash of an address of <paramref name="kind"/>, or null when the address is not valid for it.</summary>
    public byte[]? Hash(string kind, string address)
    {
        var normalised = kind == AddressKinds.Email ? NormaliseEmail(address) : NormalisePhone(address, keys.Value.DefaultPhoneRegion);
        if (string.IsNullOrEmpty(normalised) || (kind == AddressKinds.Email && !normalised.Contains('@')))
        {
            return null;
        }
        return HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(kind + ":" + normalised));
    }
}

/// <summary>Consent's secrets and address settings (section <c>Consent</c>). Both keys are base64, at least 32 bytes.</summary>
public sealed class ConsentKeys
{
    public const string Section = "Consent";

    public string SuppressionKey { get; set; } = "";
    public string UnsubscribeKey { get; set; } = "";

    /// <summary>The region of phone numbers written without a country code (as contacts' DefaultPhoneRegion).</summary>
    public string DefaultPhoneRegion { get; set; } = "US";

    /// <summary>The public address unsubscribe links point at (the gateway).</summary>
    public string PublicBaseUrl { get; set; } = "http://localhost:5000";

    public bool IsValid() => IsKey(SuppressionKey) && IsKey(UnsubscribeKey);

    private static bool IsKey(string value)
    {
        Span<byte> buffer = stackalloc byte[256];
        return Convert.TryFromBase64String(value, buffer, out var length) && length >= 32;
    }
}
