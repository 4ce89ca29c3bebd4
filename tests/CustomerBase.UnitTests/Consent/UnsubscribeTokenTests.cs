using System.Security.Cryptography;
using CustomerBase.Consent.Contracts;
using CustomerBase.Consent.Model;
using Microsoft.Extensions.Options;

namespace CustomerBase.UnitTests.Consent;

public sealed class UnsubscribeTokenTests
{
    private static readonly UnsubscribeToken Tokens = new(RandomNumberGenerator.GetBytes(32));

    [Fact]
    public void ATokenReadsBackAsTheRequestItWasMadeFor()
    {
        var request = new UnsubscribeRequest(Guid.NewGuid(), "marketing", "email", Guid.NewGuid());
        Assert.Equal(request, Tokens.Read(Tokens.Create(request)));
        var withoutCampaign = request with { CampaignId = null };
        Assert.Equal(withoutCampaign, Tokens.Read(Tokens.Create(withoutCampaign)));
    }

    [Fact]
    public void EveryAlteredCharacterMakesTheTokenInvalid()
    {
        var token = Tokens.Create(new UnsubscribeRequest(Guid.NewGuid(), "marketing", "sms", null));
        for (var i = 0; i < token.Length; i++)
        {
            var altered = token[..i] + (token[i] == 'A' ? 'B' : 'A') + token[(i + 1)..];
            Assert.Null(Tokens.Read(altered));
        }
        Assert.Null(Tokens.Read(token[..^1]));
        Assert.Null(Tokens.Read(token + "A"));
    }

    [Fact]
    public void ATokenSignedWithAnotherKeyIsInvalid()
    {
        var other = new UnsubscribeToken(RandomNumberGenerator.GetBytes(32));
        Assert.Null(Tokens.Read(other.Create(new UnsubscribeRequest(Guid.NewGuid(), "marketing", "email", null))));
        Assert.Null(Tokens.Read("not a token"));
        Assert.Null(Tokens.Read(""));
    }
}

public sealed class AddressHasherTests
{
    private static readonly AddressHasher Hasher = new(Options.Create(new ConsentKeys
    {
        SuppressionKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
        UnsubscribeKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
        DefaultPhoneRegion = "PL",
    }));

    [Fact]
    public void AddressesHashTheSameWhateverTheirWrittenForm()
    {
        Assert.Equal(Hasher.Hash(AddressKinds.Email, "anna@example.com"), Hasher.Hash(AddressKinds.Email, "  Anna@Example.COM "));
        Assert.Equal(Hasher.Hash(AddressKinds.Phone, "+48601234567"), Hasher.Hash(AddressKinds.Phone, "601 234 567"));
        Assert.NotEqual(Hasher.Hash(AddressKinds.Email, "anna@example.com"), Hasher.Hash(AddressKinds.Email, "ann@example.com"));
    }

    [Fact]
    public void InvalidAddressesHaveNoHash()
    {
        Assert.Null(Hasher.Hash(AddressKinds.Email, "not-an-email"));
        Assert.Null(Hasher.Hash(AddressKinds.Phone, "12"));
    }
}
