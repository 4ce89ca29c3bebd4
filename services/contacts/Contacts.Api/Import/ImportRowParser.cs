using System.Globalization;
using System.Text.Json;
using CustomerBase.Contacts.Apis;
using CustomerBase.Contacts.CustomFields;

namespace CustomerBase.Contacts.Import;

/// <summary>A row turned into the part of a card it fills, with what the writer needs to match and report it.</summary>
public sealed class ImportCandidate
{
    public long Row { get; init; }

    /// <summary>Only the values present in the row; on a match they are laid over the existing card.</summary>
    public ContactCard Card { get; set; } = new();

    /// <summary>The row's phones in E.164, in the order of <see cref="ContactCard.Phones"/>.</summary>
    public List<string> Phones { get; init; } = [];

    /// <summary>A row without a first name can update a contact but not create one.</summary>
    public bool MissingFirstName { get; init; }

    /// <summary>Which column each value came from, to name it in the error report.</summary>
    public required ImportSources Sources { get; init; }

    /// <summary>The row's match keys in match order (see <see cref="ImportKeys.Of"/>), set by <see cref="ImportBatchWriter.Prepare"/>.</summary>
    public (char Kind, string Key)[] Keys { get; set; } = [];

    /// <summary>The contact the row becomes if it matches none, set by <see cref="ImportBatchWriter.Prepare"/>; null when it cannot create one.</summary>
    public Model.Contact? NewContact { get; set; }
}

/// <summary>The columns behind a candidate's values, by card field.</summary>
/// <remarks>Lists are made on first use: a million-row import would otherwise allocate six per row, mostly for nothing.</remarks>
public sealed class ImportSources
{
    private List<string>? _emails, _phones, _tags, _interests, _messengers;

    public ImportSources(int columns = 0) => Fields = new Dictionary<string, string>(columns);

    public Dictionary<string, string> Fields { get; }
    public List<string> Emails => _emails ??= [];
    public List<string> Phones => _phones ??= [];
    public List<string> Tags => _tags ??= [];
    public List<string> Interests => _interests ??= [];
    public List<string> Messengers => _messengers ??= [];

    /// <summary>The column to blame for a validation error on <paramref name="key"/> (<c>emails[1]</c>, <c>addresses[0].country</c>).</summary>
    public string? ColumnFor(string key)
    {
        var root = key.Split('[', '.')[0];
        var index = key.IndexOf('[') is var open and >= 0 && int.TryParse(key.AsSpan(open + 1, key.IndexOf(']') - open - 1), out var i) ? i : 0;
        var last = key[(key.LastIndexOf('.') + 1)..];
        return root switch
        {
            "emails" => Emails.ElementAtOrDefault(index),
            "phones" => Phones.ElementAtOrDefault(index),
            "tags" => Tags.ElementAtOrDefault(index) ?? Tags.FirstOrDefault(),
            "interests" => Interests.ElementAtOrDefault(index) ?? Interests.FirstOrDefault(),
            "messengers" => Messengers.ElementAtOrDefault(index),
            "addresses" => Fields.GetValueOrDefault(last == "line1" ? ImportFields.AddressLine1 : last == "line2" ? ImportFields.AddressLine2 : last)
                ?? Fields.GetValueOrDefault(ImportFields.City),
            "demographics" => Fields.GetValueOrDefault(last),
            "source" => Fields.GetValueOrDefault(last == "campaign" ? ImportFields.SourceCampaign : ImportFields.SourceChannel),
            "customFields" => Fields.GetValueOrDefault(last),
            _ => Fields.GetValueOrDefault(root),
        };
    }
}

/// <summary>
/// Turns the cells of one row into a partial card: splits multi-value cells and full names, reads localised genders
/// and the usual date forms, normalises phones, and checks every value with the same <see cref="ContactValidator"/>
/// as the API. A missing first name is left to the writer (the row may update a contact that has one).
/// </summary>
public sealed class ImportRowParser(ImportColumnPlan plan, ImportSettings settings, ContactValidator validator, CustomFieldCatalog customFields)
{
    private static readonly char[] ListSeparators = [',', ';', '|'];
    private static readonly char[] EmailSeparators = [',', ';', ' ', '\n'];
    private static readonly char[] PhoneSeparators = [',', ';', '\n'];
    private static readonly string[] DateFormats = ["yyyy-MM-dd", "dd.MM.yyyy", "d.M.yyyy", "dd/MM/yyyy", "d/M/yyyy", "yyyy/MM/dd", "dd-MM-yyyy", "yyyy.MM.dd", "yyyy-MM-ddTHH:mm:ss"];

    private static readonly Dictionary<string, string> Genders = new(StringComparer.OrdinalIgnoreCase)
    {
        ["female"] = "female", ["f"] = "female", ["w"] = "female", ["woman"] = "female", ["ж"] = "female", ["жен"] = "female", ["женский"] = "female",
        ["женщина"] = "female", ["k"] = "female", ["kobieta"] = "female", ["żeńska"] = "female",
        ["male"] = "male", ["m"] = "male", ["man"] = "male", ["м"] = "male", ["муж"] = "male", ["мужской"] = "male", ["мужчина"] = "male",
        ["mężczyzna"] = "male", ["męska"] = "male",
        ["other"] = "other", ["другой"] = "other", ["inna"] = "other", ["unknown"] = "unknown",
    };

    public ImportCandidate? Parse(ImportRow row, List<(string? Column, string Reason)> errors)
    {
        // Sized for the row at once: grown entry by entry, the two dictionaries were a good part of the parser's garbage.
        var sources = new ImportSources(plan.Headers.Count);
        var values = new Dictionary<string, string>(plan.Headers.Count);
        var emails = new List<string>();
        var phones = new List<string>();
        var tags = new List<string>();
        var interests = new List<string>();
        var messengers = new List<MessengerDto>();
        Dictionary<string, JsonElement>? custom = null;

        if (row.ValueCount > plan.Headers.Count)
        {
            errors.Add((null, $"The row has {row.ValueCount} values but the header has {plan.Headers.Count} columns."));
            return null;
        }
        for (var i = 0; i < plan.Headers.Count; i++)
        {
            var field = plan.Fields[i];
            var cell = row.Values[i]?.Trim();
            if (field is null || string.IsNullOrEmpty(cell))
            {
                continue;
            }
            var column = plan.Headers[i];
            if (cell.Contains('\uFFFD'))
            {
                errors.Add((column, $"Not readable as {settings.Encoding} text; give the file's encoding in the import options."));
                continue;
            }
            switch (field)
            {
                case ImportFields.Email:
                    AddAll(cell.Split(EmailSeparators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), emails, sources.Emails, column);
                    break;
                case ImportFields.Phone:
                    AddAll(cell.Split(PhoneSeparators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), phones, sources.Phones, column);
                    break;
                case ImportFields.Tags:
                    AddAll(cell.Split(ListSeparators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), tags, sources.Tags, column);
                    break;
                case ImportFields.Interests:
                    AddAll(cell.Split(ListSeparators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), interests, sources.Interests, column);
                    break;
                case ImportFields.Telegram or ImportFields.WhatsApp:
                    messengers.Add(new MessengerDto(field, cell));
                    sources.Messengers.Add(column);
                    break;
                case ImportFields.FullName:
                    SplitFullName(cell, values, sources, column);
                    break;
                case var name when name.StartsWith(ImportFields.CustomFieldPrefix, StringComparison.Ordinal):
                    var key = name[ImportFields.CustomFieldPrefix.Length..];
                    sources.Fields[key] = column;
                    var (value, problem) = customFields.Find(key) is { } definition
                        ? definition.Parse(cell, settings.DateFormat is { } f ? [f, .. DateFormats] : DateFormats)
                        : (null, "The custom field this column was mapped to no longer exists.");
                    if (value is { } v) (custom ??= [])[key] = v;
                    else errors.Add((column, problem!));
                    break;
                default:
                    values[field] = cell;
                    sources.Fields[field] = column;
                    break;
            }
        }

        var card = new ContactCard
        {
            FirstName = values.GetValueOrDefault(ImportFields.FirstName),
            MiddleName = values.GetValueOrDefault(ImportFields.MiddleName),
            LastName = values.GetValueOrDefault(ImportFields.LastName),
            Gender = Gender(values, sources, errors),
            BirthDate = Date(values, ImportFields.BirthDate, sources, errors),
            Language = values.GetValueOrDefault(ImportFields.Language),
            TimeZone = values.GetValueOrDefault(ImportFields.TimeZone),
            Demographics = Demographics(values, sources, errors),
            Interests = interests.Count > 0 ? interests : null,
            Source = values.ContainsKey(ImportFields.SourceChannel) || values.ContainsKey(ImportFields.SourceCampaign)
                ? new SourceDto(values.GetValueOrDefault(ImportFields.SourceChannel), values.GetValueOrDefault(ImportFields.SourceCampaign), null)
                : null,
            Emails = emails.Count > 0 ? emails : null,
            Phones = phones.Count > 0 ? phones : null,
            Messengers = messengers.Count > 0 ? messengers : null,
            Addresses = Address(values),
            PreferredChannel = values.GetValueOrDefault(ImportFields.PreferredChannel)?.ToLowerInvariant(),
            Tags = tags.Count > 0 ? tags : null,
            CustomFields = custom,
            OwnerId = values.GetValueOrDefault(ImportFields.OwnerId),
            Team = values.GetValueOrDefault(ImportFields.Team),
            ExternalId = values.GetValueOrDefault(ImportFields.ExternalId),
        };

        var missingFirstName = card.FirstName is null;
        var problems = validator.Validate(missingFirstName ? card with { FirstName = "-" } : card, out var normalizedPhones);
        if (!problems.IsEmpty)
        {
            foreach (var (key, reasons) in problems.ToDictionary())
            {
                errors.AddRange(reasons.Select(reason => (sources.ColumnFor(key), reason)));
            }
        }
        if (errors.Count > 0)
        {
            return null;
        }
        return new ImportCandidate { Row = row.Number, Card = card with { Phones = normalizedPhones.Count > 0 ? normalizedPhones : null }, Phones = normalizedPhones, MissingFirstName = missingFirstName, Sources = sources };
    }

    private void SplitFullName(string cell, Dictionary<string, string> values, ImportSources sources, string column)
    {
        var words = cell.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var (first, middle, last) = (words.Length, plan.FullNameIsLastFirst) switch
        {
            (1, _) => (words[0], null, null),
            (2, true) => (words[1], null, words[0]),
            (2, false) => (words[0], null, words[1]),
            (_, true) => (words[1], string.Join(' ', words[2..]), words[0]),
            _ => (words[0], string.Join(' ', words[1..^1]), words[^1]),
        };
        foreach (var (field, value) in new[] { (ImportFields.FirstName, first), (ImportFields.MiddleName, middle), (ImportFields.LastName, last) })
        {
            if (value is not null && values.TryAdd(field, value))
            {
                sources.Fields[field] = column;
            }
        }
    }

    private static string? Gender(Dictionary<string, string> values, ImportSources sources, List<(string?, string)> errors)
    {
        if (!values.TryGetValue(ImportFields.Gender, out var text))
        {
            return null;
        }
        if (Genders.TryGetValue(text, out var gender))
        {
            return gender;
        }
        errors.Add((sources.Fields[ImportFields.Gender], "Not a gender this import understands (female, male, other, unknown; ж/м; k/m)."));
        return null;
    }

    private DateOnly? Date(Dictionary<string, string> values, string field, ImportSources sources, List<(string?, string)> errors)
    {
        if (!values.TryGetValue(field, out var text))
        {
            return null;
        }
        var formats = settings.DateFormat is { } custom ? [custom, .. DateFormats] : DateFormats;
        if (DateTime.TryParseExact(text, formats, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces, out var date))
        {
            return DateOnly.FromDateTime(date);
        }
        errors.Add((sources.Fields[field], "Not a date in a known form (yyyy-MM-dd, dd.MM.yyyy, dd/MM/yyyy, or the import's dateFormat)."));
        return null;
    }

    private static readonly string[] DemographicsFields = [ImportFields.Occupation, ImportFields.IncomeBand, ImportFields.Education, ImportFields.MaritalStatus, ImportFields.Children];
    private static readonly string[] AddressFields = [ImportFields.AddressLine1, ImportFields.AddressLine2, ImportFields.City, ImportFields.Region, ImportFields.PostalCode, ImportFields.Country];

    private static bool AnyOf(Dictionary<string, string> values, string[] fields)
    {
        foreach (var field in fields)
        {
            if (values.ContainsKey(field)) return true;
        }
        return false;
    }

    private static DemographicsDto? Demographics(Dictionary<string, string> values, ImportSources sources, List<(string?, string)> errors)
    {
        if (!AnyOf(values, DemographicsFields))
        {
            return null;
        }
        int? children = null;
        if (values.TryGetValue(ImportFields.Children, out var text))
        {
            if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n)) children = n;
            else errors.Add((sources.Fields[ImportFields.Children], "Not a whole number."));
        }
        return new DemographicsDto(values.GetValueOrDefault(ImportFields.Occupation), values.GetValueOrDefault(ImportFields.IncomeBand),
            values.GetValueOrDefault(ImportFields.Education), values.GetValueOrDefault(ImportFields.MaritalStatus), children);
    }

    private static List<AddressDto>? Address(Dictionary<string, string> values)
    {
        return AnyOf(values, AddressFields)
            ? [new AddressDto("postal", values.GetValueOrDefault(ImportFields.AddressLine1), values.GetValueOrDefault(ImportFields.AddressLine2),
                values.GetValueOrDefault(ImportFields.City), values.GetValueOrDefault(ImportFields.Region), values.GetValueOrDefault(ImportFields.PostalCode),
                values.GetValueOrDefault(ImportFields.Country))]
            : null;
    }

    private static void AddAll(string[] items, List<string> values, List<string> sources, string column)
    {
        foreach (var item in items)
        {
            values.Add(item);
            sources.Add(column);
        }
    }
}
