using CustomerBase.Contacts.CustomFields;

namespace CustomerBase.Contacts.Export;

/// <summary>
/// The fields an export can hold, each as a column header and the SQL that renders it as text. Headers are ones the
/// import recognises, so an exported file can be imported again as it is. The SQL is constant; no client text reaches it.
/// </summary>
public static class ExportFields
{
    public static readonly IReadOnlyDictionary<string, (string Header, string Sql)> All = new Dictionary<string, (string, string)>
    {
        ["id"] = ("Id", "id::text"),
        ["externalId"] = ("External id", "external_id"),
        ["firstName"] = ("First name", "first_name"),
        ["middleName"] = ("Middle name", "middle_name"),
        ["lastName"] = ("Last name", "last_name"),
        ["gender"] = ("Gender", "gender"),
        ["birthDate"] = ("Date of birth", "to_char(birth_date, 'YYYY-MM-DD')"),
        ["language"] = ("Language", "language"),
        ["timeZone"] = ("Time zone", "time_zone"),
        ["emails"] = ("E-mail", "array_to_string(emails, '; ')"),
        ["phones"] = ("Phone", "array_to_string(phones, '; ')"),
        ["preferredChannel"] = ("Preferred channel", "preferred_channel"),
        ["city"] = ("City", "addresses -> 0 ->> 'City'"),
        ["postalCode"] = ("Postal code", "addresses -> 0 ->> 'PostalCode'"),
        ["country"] = ("Country", "addresses -> 0 ->> 'Country'"),
        ["occupation"] = ("Occupation", "demographics ->> 'Occupation'"),
        ["tags"] = ("Tags", "array_to_string(tags, '; ')"),
        ["ownerId"] = ("Owner", "owner_id"),
        ["team"] = ("Team", "team"),
        ["createdAt"] = ("Created at", "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"),
    };

    /// <summary>
    /// The column of a requested field: a built-in one, or <c>customFields.&lt;key&gt;</c> headed by the definition's label
    /// (its key is then bound as a parameter, never written into the SQL). Null when there is no such field.
    /// </summary>
    public static (string Header, string Sql, string? CustomKey)? Column(string field, CustomFieldCatalog customFields)
    {
        if (All.TryGetValue(field, out var column))
        {
            return (column.Header, column.Sql, null);
        }
        const string prefix = "customFields.";
        return field.StartsWith(prefix, StringComparison.Ordinal) && customFields.Find(field[prefix.Length..]) is { } definition
            ? (definition.Label, "", definition.Key)
            : null;
    }

    public static readonly IReadOnlyList<string> Default = ["firstName", "lastName", "emails", "phones", "city", "tags", "ownerId", "externalId"];
}
