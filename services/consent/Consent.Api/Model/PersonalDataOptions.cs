using CustomerBase.ServiceDefaults;

namespace CustomerBase.Consent.Model;

/// <summary>Data-subject requests (section <c>PersonalData</c>): which services hold personal data, and the timing of erasures.</summary>
public sealed class PersonalDataOptions
{
    public const string Section = "PersonalData";

    /// <summary>Every service that implements PersonalData.Export and answers ErasureRequested.</summary>
    public string[] Services { get; set; } =
        [ResourceNames.Contacts, ResourceNames.Interactions, ResourceNames.Segmentation, ResourceNames.Campaigns, ResourceNames.Consent];

    /// <summary>The law's one month: a request still open after this is reported overdue.</summary>
    public TimeSpan ErasureDeadline { get; set; } = TimeSpan.FromDays(30);

    /// <summary>A service that has not answered within this is asked again.</summary>
    public TimeSpan ResendAfter { get; set; } = TimeSpan.FromMinutes(15);

    public TimeSpan FollowUpInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long an export waits for each service.</summary>
    public TimeSpan ExportTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
