using CustomerBase.Contacts.Duplicates;
using CustomerBase.Contacts.Model;

namespace CustomerBase.UnitTests;

public sealed class DuplicateScoreTests
{
    private static Contact Card(string name, string? email = null, string? phone = null, DateOnly? birth = null)
    {
        var contact = new Contact { Id = Guid.NewGuid(), FirstName = name, BirthDate = birth, Emails = email is null ? [] : [email], Phones = phone is null ? [] : [phone] };
        ContactSearchKeys.Refresh(contact);
        return contact;
    }

    [Fact]
    public void IndependentReasonsCombineAboveEachAlone()
    {
        var score = DuplicateScore.Between(Card("Anna", "a@x.io", "+48601234567"), Card("Ann", "A@X.IO", "+48601234567"));

        Assert.Equal(["same e-mail", "same phone"], score.Reasons);
        Assert.Equal(0.98, score.Score); // 1 − (1 − 0.9)(1 − 0.8)
    }

    [Fact]
    public void SameNameCountsMoreWithTheSameBirthDate()
    {
        var birth = new DateOnly(1985, 3, 3);

        var withBirth = DuplicateScore.Between(Card("Anna Nowak", birth: birth), Card("Anna Nowak", birth: birth));
        var nameOnly = DuplicateScore.Between(Card("Anna Nowak"), Card("Anna Nowak"));

        Assert.True(withBirth.Score > nameOnly.Score);
        Assert.Equal(0, DuplicateScore.Between(Card("Anna"), Card("Olga")).Score);
    }
}
