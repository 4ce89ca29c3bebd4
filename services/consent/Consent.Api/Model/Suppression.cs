namespace CustomerBase.Consent.Model;

/// <summary>
/// An e-mail address or phone number that must never be contacted, stored only as its keyed hash
/// (<see cref="AddressHasher"/>), so the entry says nothing about whom it blocks and survives the person's erasure.
/// </summary>
public sealed class Suppression
{
    /// <summary>HMAC-SHA256 of the normalised address.</summary>
    public required byte[] Hash { get; init; }

    /// <summary>email or phone.</summary>
    public required string Kind { get; init; }

    /// <summary>e.g. "request", "bounce", "erasure".</summary>
    public required string Reason { get; init; }
    public required string CreatedBy { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
}

public static class AddressKinds
{
    public const string Email = "email";
    public const string Phone = "phone";

    /// <summary>Which kind of address a channel sends to; post has none on the suppression list.</summary>
    public static string? ForChannel(string channel) => channel switch
    {
        "email" => Email,
        "sms" or "phone" or "messenger" => Phone,
        _ => null,
    };
}
