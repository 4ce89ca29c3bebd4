using System.Text.Json;
using System.Text.Json.Nodes;
using CustomerBase.Contacts.Apis;

namespace CustomerBase.Contacts.Model;

/// <summary>
/// Builds the survivor's card of a merge: for each single-valued field, the value of the contact the user chose
/// (the survivor's when not chosen); lists (channels, tags, interests, dates, addresses) united without repeats.
/// </summary>
public static class ContactMerger
{
    public static readonly IReadOnlySet<string> ChoosableFields = new HashSet<string>
    {
        "firstName", "middleName", "lastName", "gender", "birthDate", "language", "timeZone", "demographics", "source",
        "preferredChannel", "callWindow", "ownerId", "team", "externalId",
    };

    public static readonly IReadOnlyList<string> UnitedFields = ["emails", "phones", "tags", "interests", "importantDates", "messengers", "addresses"];

    public static ContactCard Merge(Contact survivor, IReadOnlyDictionary<Guid, Contact> merged, IReadOnlyDictionary<string, Guid> choices)
    {
        var all = merged.Values.Prepend(survivor).ToList();
        var cards = all.ToDictionary(c => c.Id, c => JsonSerializer.SerializeToNode<ContactCard>(c.ToResponse(), ContactJson.Options)!.AsObject());
        var result = (JsonObject)cards[survivor.Id].DeepClone();

        foreach (var (field, source) in choices)
        {
            result[field] = cards[source][field]?.DeepClone();
        }
        foreach (var field in UnitedFields)
        {
            var united = new JsonArray();
            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var card in all.Select(c => cards[c.Id]))
            {
                foreach (var item in card[field]?.AsArray() ?? [])
                {
                    if (item is not null && seen.Add(item.ToJsonString()))
                    {
                        united.Add(item.DeepClone());
                    }
                }
            }
            result[field] = united;
        }
        return result.Deserialize<ContactCard>(ContactJson.Options)!;
    }
}
