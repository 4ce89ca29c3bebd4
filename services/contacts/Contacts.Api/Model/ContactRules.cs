namespace CustomerBase.Contacts.Model;

public static class ContactRules
{
    public const int NameMaxLength = 200;
    public const int EmailMaxLength = 320;
    public const int MaxChannelsPerKind = 20;
}
