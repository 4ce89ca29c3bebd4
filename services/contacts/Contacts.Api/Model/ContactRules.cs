namespace CustomerBase.Contacts.Model;

public static class ContactRules
{
    public const int NameMaxLength = 200;
    public const int EmailMaxLength = 320;
    public const int MaxChannelsPerKind = 20;
    public const int MaxTags = 100;
    public const int TagMaxLength = 64;
    public const int ShortTextMaxLength = 200;

    public static readonly IReadOnlySet<string> Genders = new HashSet<string> { "female", "male", "other", "unknown" };
    public static readonly IReadOnlySet<string> Channels = new HashSet<string> { "email", "sms", "phone", "messenger", "post" };
    public static readonly IReadOnlySet<string> MessengerKinds = new HashSet<string> { "whatsapp", "telegram", "viber", "signal", "wechat", "other" };
    public static readonly IReadOnlySet<string> AddressKinds = new HashSet<string> { "postal", "delivery" };
}
