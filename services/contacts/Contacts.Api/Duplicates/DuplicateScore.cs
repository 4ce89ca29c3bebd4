using CustomerBase.Contacts.Apis;

using CustomerBase.Contacts.Model;

namespace CustomerBase.Contacts.Duplicates;

/// <summary>
/// How likely two cards are the same person. Each matching key is evidence with its own weight; independent evidence
/// combines as 1 − Π(1 − w), so two weak reasons together outweigh one, and the score stays below 1.
/// </summary>
public static class DuplicateScore
{
    public const double SameEmail = 0.9;
    public const double SamePhone = 0.8;
    public const double SameNameAndBirthDate = 0.85;
    public const double SameName = 0.3;

    public static DuplicateCandidate Between(Contact contact, Contact candidate)
    {
        var reasons = new List<(string Reason, double Weight)>();
        var emails = contact.EmailKeys.Intersect(candidate.EmailKeys).ToList();
        if (emails.Count > 0)
        {
            reasons.Add(("same e-mail", SameEmail));
        }
        if (contact.Phones.Intersect(candidate.Phones).Any())
        {
            reasons.Add(("same phone", SamePhone));
        }
        if (contact.SearchName.Length > 0 && contact.SearchName == candidate.SearchName)
        {
            reasons.Add(contact.BirthDate is not null && contact.BirthDate == candidate.BirthDate
                ? ("same name and birth date", SameNameAndBirthDate)
                : ("same name", SameName));
        }
        var score = 1 - reasons.Aggregate(1.0, (rest, r) => rest * (1 - r.Weight));
        return new DuplicateCandidate(candidate.Id, Math.Round(score, 3), reasons.Select(r => r.Reason).ToList(), candidate.ToResponse());
    }

    /// <summary>The score of a set of reasons (as <see cref="Between"/> names them), combined the same way.</summary>
    public static double Combine(IEnumerable<string> reasons) =>
        Math.Round(1 - reasons.Aggregate(1.0, (rest, reason) => rest * (1 - Weight(reason))), 3);

    private static double Weight(string reason) => reason switch
    {
        "same e-mail" => SameEmail,
        "same phone" => SamePhone,
        "same name and birth date" => SameNameAndBirthDate,
        _ => SameName,
    };
}
