namespace CustomerBase.Gateway.Hardening;

/// <summary>Requests allowed per identity (the token's <c>sub</c>, else the client address) per fixed window.</summary>
public sealed class RateLimitOptions
{
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);
    public int PermitsPerWindow { get; set; } = 1200;

    /// <summary>Service accounts (role integration) move data in bulk and get more.</summary>
    public int ServiceAccountPermitsPerWindow { get; set; } = 12_000;
}
