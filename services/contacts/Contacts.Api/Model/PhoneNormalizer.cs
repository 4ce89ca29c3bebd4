using Microsoft.Extensions.Options;
using PhoneNumbers;

namespace CustomerBase.Contacts.Model;

/// <summary>Turns a phone number in any written form into E.164 (+14155550123), the one form it is stored and searched in.</summary>
public sealed class PhoneNormalizer(IOptions<ContactsOptions> options)
{
    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();

    public static bool IsKnownRegion(string region) => Util.GetSupportedRegions().Contains(region);

    public bool TryNormalize(string written, out string e164)
    {
        e164 = "";
        try
        {
            var number = Util.Parse(written, options.Value.DefaultPhoneRegion);
            if (!Util.IsValidNumber(number))
            {
                return false;
            }
            e164 = Util.Format(number, PhoneNumberFormat.E164);
            return true;
        }
        catch (NumberParseException)
        {
            return false;
        }
    }
}
