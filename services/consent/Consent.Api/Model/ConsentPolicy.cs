namespace CustomerBase.Consent.Model;

/// <summary>
/// The deployment's consent policy (configuration section <c>ConsentPolicy</c>); the defaults are documented in
/// docs/consent.md. Which purposes and channels exist, which legal bases each purpose may rest on, when evidence is
/// required and which grants need a double opt-in.
/// </summary>
public sealed class ConsentPolicy
{
    public const string Section = "ConsentPolicy";

    /// <summary>Purpose → the legal bases a grant for it may rest on.</summary>
    public Dictionary<string, string[]> Purposes { get; set; } = new(StringComparer.Ordinal)
    {
        ["marketing"] = [LegalBases.Consent, LegalBases.LegitimateInterest],
        ["profiling"] = [LegalBases.Consent, LegalBases.LegitimateInterest],
        ["third-party-transfer"] = [LegalBases.Consent],
        // Service messages under a contract (an order confirmation, a delivery notice) need no marketing consent.
        ["service"] = [LegalBases.Contract, LegalBases.LegalObligation, LegalBases.Consent],
    };

    public string[] Channels { get; set; } = ["email", "sms", "phone", "messenger", "post"];

    /// <summary>Grants on these bases must carry evidence (a document reference, a form id or an IP address).</summary>
    public string[] EvidenceRequiredFor { get; set; } = [LegalBases.Consent];

    /// <summary>Consent grants on these channels wait for the person's confirmation (double opt-in)…</summary>
    public string[] DoubleOptInChannels { get; set; } = ["email", "sms", "phone", "messenger", "post"];

    /// <summary>…unless they come from these sources (a signed paper form is its own confirmation).</summary>
    public string[] DoubleOptInExemptSources { get; set; } = ["paper-form"];

    public TimeSpan DoubleOptInTokenLifetime { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// The policy from configuration, each list given there replacing its default whole (the configuration binder
    /// would append to a default list, so a deployment could never narrow one).
    /// </summary>
    public static void Bind(IConfigurationSection section, ConsentPolicy policy)
    {
        if (section.GetSection(nameof(Purposes)) is { } purposes && purposes.Exists())
        {
            policy.Purposes = purposes.GetChildren().ToDictionary(p => p.Key, p => p.Get<string[]>() ?? [], StringComparer.Ordinal);
        }
        policy.Channels = ConfiguredList(section, nameof(Channels)) ?? policy.Channels;
        policy.EvidenceRequiredFor = ConfiguredList(section, nameof(EvidenceRequiredFor)) ?? policy.EvidenceRequiredFor;
        policy.DoubleOptInChannels = ConfiguredList(section, nameof(DoubleOptInChannels)) ?? policy.DoubleOptInChannels;
        policy.DoubleOptInExemptSources = ConfiguredList(section, nameof(DoubleOptInExemptSources)) ?? policy.DoubleOptInExemptSources;
        policy.DoubleOptInTokenLifetime = section.GetValue<TimeSpan?>(nameof(DoubleOptInTokenLifetime)) ?? policy.DoubleOptInTokenLifetime;
    }

    /// <summary>A list as configured, or null when the configuration does not name it.</summary>
    public static string[]? ConfiguredList(IConfigurationSection section, string key) =>
        section.GetSection(key).Exists() ? section.GetSection(key).Get<string[]>() ?? [] : null;

    public bool IsPurpose(string? purpose) => purpose is not null && Purposes.ContainsKey(purpose);

    public bool IsChannel(string? channel) => channel is not null && Channels.Contains(channel);

    public bool Accepts(string purpose, string? legalBasis) =>
        legalBasis is not null && Purposes.TryGetValue(purpose, out var bases) && bases.Contains(legalBasis);

    public bool RequiresEvidence(string legalBasis) => EvidenceRequiredFor.Contains(legalBasis);

    public bool RequiresDoubleOptIn(string legalBasis, string channel, string source) =>
        legalBasis == LegalBases.Consent && DoubleOptInChannels.Contains(channel) && !DoubleOptInExemptSources.Contains(source);

    /// <summary>A policy that names no purposes or channels, or bases that do not exist, stops the service at start.</summary>
    public bool IsValid() =>
        Purposes.Count > 0 && Channels.Length > 0
        && Purposes.Values.All(bases => bases.Length > 0 && bases.All(LegalBases.All.Contains))
        && EvidenceRequiredFor.All(LegalBases.All.Contains)
        && DoubleOptInChannels.All(Channels.Contains)
        && DoubleOptInTokenLifetime > TimeSpan.Zero;
}
