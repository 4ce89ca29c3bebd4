namespace CustomerBase.Contacts.Model;

public sealed class ContactsOptions
{
    /// <summary>The region a phone number written without a country code belongs to (ISO 3166 alpha-2).</summary>
    public string DefaultPhoneRegion { get; set; } = "US";
}
