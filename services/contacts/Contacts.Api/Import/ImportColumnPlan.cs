using CustomerBase.Contacts.CustomFields;

namespace CustomerBase.Contacts.Import;

/// <summary>
/// Which field each column of the file fills: the explicit mapping first, then the recognised header names.
/// Headers that name a custom field (its key or label) fill it. A field other than e-mail, phone, tags and interests
/// takes its first column only; later ones are ignored.
/// </summary>
public sealed class ImportColumnPlan
{
    private ImportColumnPlan(IReadOnlyList<string> headers, string?[] fields, string? fullNameOrder)
    {
        Headers = headers;
        Fields = fields;
        FullNameIsLastFirst = fullNameOrder == "last-first";
    }

    public IReadOnlyList<string> Headers { get; }

    /// <summary>The field of each column, by position; null for an ignored column.</summary>
    public string?[] Fields { get; }

    /// <summary>A Russian ФИО column lists the surname first; an English or Polish full name lists it last.</summary>
    public bool FullNameIsLastFirst { get; }

    public IEnumerable<string> IgnoredColumns => Headers.Where((h, i) => Fields[i] is null && h.Length > 0);

    public Dictionary<string, string> Columns() =>
        Headers.Select((h, i) => (h, field: Fields[i])).Where(c => c.field is not null).GroupBy(c => c.h).ToDictionary(g => g.Key, g => g.First().field!);

    public int ColumnOf(string field) => Array.IndexOf(Fields, field);

    public static ImportColumnPlan For(IReadOnlyList<string> headers, IReadOnlyDictionary<string, string> mapping, CustomFieldCatalog customFields)
    {
        var fields = new string?[headers.Count];
        var taken = new HashSet<string>();
        string? fullNameOrder = null;
        for (var i = 0; i < headers.Count; i++)
        {
            var header = headers[i].Trim();
            var field = mapping.TryGetValue(header, out var mapped)
                ? (mapped.Length == 0 ? null : mapped)
                : ImportFields.Recognize(header) ?? (customFields.FindByHeader(header) is { } custom ? ImportFields.CustomFieldPrefix + custom.Key : null);
            if (field is null || (!ImportFields.Multiple.Contains(field) && !taken.Add(field)))
            {
                continue;
            }
            fields[i] = field;
            if (field == ImportFields.FullName)
            {
                fullNameOrder = ImportFields.Normalize(header) is "фио" ? "last-first" : "first-last";
            }
        }
        return new ImportColumnPlan(headers, fields, fullNameOrder);
    }
}
