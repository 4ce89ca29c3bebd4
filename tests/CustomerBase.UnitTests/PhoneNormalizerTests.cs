using CustomerBase.Contacts.Model;
using Microsoft.Extensions.Options;

namespace CustomerBase.UnitTests;

public sealed class PhoneNormalizerTests
{
    private readonly PhoneNormalizer _phones = new(Options.Create(new ContactsOptions { DefaultPhoneRegion = "DE" }));

    [Theory]
    [InlineData("+49 30 901820", "+4930901820")]
    [InlineData("030 901820", "+4930901820")]          // national form, default region DE
    [InlineData("+7 (912) 345-67-89", "+79123456789")]
    public void AnyWrittenFormBecomesE164(string written, string expected)
    {
        Assert.True(_phones.TryNormalize(written, out var e164));
        Assert.Equal(expected, e164);
    }

    [Theory]
    [InlineData("call me")]
    [InlineData("12")]
    [InlineData("")]
    public void NonNumbersAreRefused(string written) => Assert.False(_phones.TryNormalize(written, out _));
}
