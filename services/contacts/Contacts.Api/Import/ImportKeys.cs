using CustomerBase.Contacts.Model;

namespace CustomerBase.Contacts.Import;

/// <summary>
/// The match keys an import has seen (its own new contacts, and in a bulk load the contacts that were there before),
/// as 64-bit hashes: two million keys take ~70 MB instead of ~200 MB as strings. A hash only proposes a contact; the
/// writer confirms that the contact really has the key, so a collision costs a duplicate at worst, never a wrong merge.
/// </summary>
public sealed class ImportKeys
{
    private readonly Dictionary<ulong, Guid> ids = [];

    public int Count => ids.Count;

    /// <summary>Makes room for <paramref name="keys"/> at once: grown by doubling, the last copy briefly held the table twice over.</summary>
    public void Reserve(long keys) => ids.EnsureCapacity((int)Math.Min(keys, 1 << 26));

    public void Add(Contact contact)
    {
        if (contact.ExternalId is { } externalId) ids.TryAdd(Hash('x', externalId), contact.Id);
        foreach (var email in contact.EmailKeys) ids.TryAdd(Hash('e', email), contact.Id);
        foreach (var phone in contact.Phones) ids.TryAdd(Hash('p', phone), contact.Id);
    }

    public void Add(char kind, string key, Guid id) => ids.TryAdd(Hash(kind, key), id);

    public Guid? Find(char kind, string key) => ids.TryGetValue(Hash(kind, key), out var id) ? id : null;

    /// <summary>The keys of a candidate in match order: (kind, key) with x = external id, e = e-mail, p = phone.</summary>
    public static IEnumerable<(char Kind, string Key)> Of(ImportCandidate candidate, IReadOnlyList<string> matchOn)
    {
        foreach (var field in matchOn)
        {
            switch (field)
            {
                case ImportFields.ExternalId when candidate.Card.ExternalId is { } externalId:
                    yield return ('x', externalId.Trim());
                    break;
                case ImportFields.Email when candidate.Card.Emails is { } emails:
                    foreach (var email in emails) yield return ('e', email.Trim().ToLowerInvariant());
                    break;
                case ImportFields.Phone:
                    foreach (var phone in candidate.Phones) yield return ('p', phone);
                    break;
            }
        }
    }

    /// <summary>Whether the contact really has the key (a hash match is only a proposal).</summary>
    public static bool Has(Contact contact, char kind, string key) => kind switch
    {
        'x' => contact.ExternalId == key,
        'e' => contact.EmailKeys.Contains(key),
        _ => contact.Phones.Contains(key),
    };

    // FNV-1a over the UTF-16 code units, with the kind mixed in first.
    private static ulong Hash(char kind, string key)
    {
        var hash = 14695981039346656037UL;
        hash = (hash ^ kind) * 1099511628211UL;
        foreach (var c in key)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }
        return hash;
    }
}
