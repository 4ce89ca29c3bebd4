using System.Globalization;
using System.Text.Json;

namespace CustomerBase.Contacts.CustomFields;

/// <summary>
/// A field a business adds to its customer card ("shoe size", "favourite master", "loyalty card"), with a type that
/// every write is checked against. Values live in the contact's <c>custom_fields</c> JSON under the definition's key.
/// </summary>
public sealed class CustomFieldDefinition
{
    public string Key { get; init; } = "";
    public string Label { get; set; } = "";
    public CustomFieldType Type { get; set; }

    /// <summary>The allowed values of a choice field.</summary>
    public List<string> Choices { get; set; } = [];

    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Checks a JSON value against the type; null means it fits (and is stored as is).</summary>
    public string? Check(JsonElement value) => Type switch
    {
        CustomFieldType.Text when value.ValueKind == JsonValueKind.String && value.GetString()!.Length <= CustomFieldRules.TextMaxLength => null,
        CustomFieldType.Text => $"Expected text of up to {CustomFieldRules.TextMaxLength} characters.",
        CustomFieldType.Number when value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out _) => null,
        CustomFieldType.Number => "Expected a number.",
        CustomFieldType.Date when value.ValueKind == JsonValueKind.String && DateOnly.TryParseExact(value.GetString(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _) => null,
        CustomFieldType.Date => "Expected a date (yyyy-MM-dd).",
        CustomFieldType.Boolean when value.ValueKind is JsonValueKind.True or JsonValueKind.False => null,
        CustomFieldType.Boolean => "Expected true or false.",
        CustomFieldType.Choice when value.ValueKind == JsonValueKind.String && Choices.Contains(value.GetString()!) => null,
        _ => $"Expected one of: {string.Join(", ", Choices)}.",
    };

    /// <summary>
    /// Reads a spreadsheet cell as this field's type: numbers with a dot or a comma, the usual date forms, yes/no in
    /// English, Russian and Polish, a choice in any letter case. Null with a reason when the cell does not fit.
    /// </summary>
    public (JsonElement? Value, string? Error) Parse(string cell, string[] dateFormats)
    {
        switch (Type)
        {
            case CustomFieldType.Number:
                return decimal.TryParse(cell.Replace(',', '.').Replace(" ", ""), NumberStyles.Number, CultureInfo.InvariantCulture, out var number)
                    ? (JsonSerializer.SerializeToElement(number), null) : (null, "Expected a number.");
            case CustomFieldType.Date:
                return DateTime.TryParseExact(cell, dateFormats, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces, out var date)
                    ? (JsonSerializer.SerializeToElement(date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)), null) : (null, "Expected a date.");
            case CustomFieldType.Boolean:
                return CustomFieldRules.Yes.Contains(cell) ? (JsonSerializer.SerializeToElement(true), null)
                    : CustomFieldRules.No.Contains(cell) ? (JsonSerializer.SerializeToElement(false), null)
                    : (null, "Expected yes or no.");
            case CustomFieldType.Choice:
                var choice = Choices.FirstOrDefault(c => string.Equals(c, cell, StringComparison.OrdinalIgnoreCase));
                return choice is null ? (null, $"Expected one of: {string.Join(", ", Choices)}.") : (JsonSerializer.SerializeToElement(choice), null);
            default:
                var value = JsonSerializer.SerializeToElement(cell);
                return Check(value) is { } error ? (null, error) : (value, null);
        }
    }
}

public enum CustomFieldType
{
    Text,
    Number,
    Date,
    Boolean,
    Choice,
}

public static class CustomFieldRules
{
    public const int TextMaxLength = 1000;
    public const int MaxChoices = 100;
    public const int MaxDefinitions = 200;

    /// <summary>A key is a JSON-friendly identifier: a letter, then letters, digits or underscores, up to 50.</summary>
    public static bool IsKey(string key) => key.Length is > 0 and <= 50 && char.IsAsciiLetter(key[0]) && key.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    public static readonly IReadOnlySet<string> Yes = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "yes", "y", "true", "1", "да", "д", "tak", "t", "x", "✓" };
    public static readonly IReadOnlySet<string> No = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "no", "n", "false", "0", "нет", "н", "nie" };
}
