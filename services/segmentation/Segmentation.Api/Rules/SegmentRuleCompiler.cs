using System.Globalization;
using Npgsql;
using NpgsqlTypes;

namespace CustomerBase.Segmentation.Rules;

/// <summary>The SQL of a rule: a predicate over <c>contact_profiles p</c> whose every value is a parameter.</summary>
public sealed record CompiledRule(string Predicate, bool TimeBased);

/// <summary>The parameters of one SQL statement, shared by every rule compiled into it, named <c>@r0</c>, <c>@r1</c>, ….</summary>
public sealed class SqlParameters
{
    private readonly List<NpgsqlParameter> _parameters = [];

    public IReadOnlyList<NpgsqlParameter> All => _parameters;

    public string Add(object value, NpgsqlDbType type)
    {
        var name = "r" + _parameters.Count.ToString(CultureInfo.InvariantCulture);
        _parameters.Add(new NpgsqlParameter(name, type) { Value = value });
        return "@" + name;
    }
}

/// <summary>
/// Compiles a rule into a SQL predicate over the read model. Field names come only from <see cref="RuleFields"/> and
/// operators only from this class's own text; every value a rule carries becomes a typed parameter, so nothing a user
/// writes ever reaches SQL as code. A field, operator or value that does not fit → <see cref="RuleException"/>.
/// A condition on a missing value (no birth date, no city) is false, and <c>not</c> is null-safe (<c>IS NOT TRUE</c>),
/// so a rule means the same in SQL as in two-valued logic.
/// </summary>
public sealed class SegmentRuleCompiler(DateTimeOffset now)
{
    public const int MaxConditions = 200;
    public const int MaxListValues = 1_000;
    private const string Counted = "o.status NOT IN ('cancelled', 'returned')";

    private readonly DateTimeOffset _now = now.ToUniversalTime();
    private readonly DateOnly _today = DateOnly.FromDateTime(now.UtcDateTime);
    private int _conditions;
    private bool _timeBased;

    public static CompiledRule Compile(RuleNode rule, SqlParameters parameters, DateTimeOffset now)
    {
        var compiler = new SegmentRuleCompiler(now);
        var sql = compiler.Node(rule, parameters);
        return new CompiledRule(sql, compiler._timeBased);
    }

    /// <summary>Checks a rule (fields, operators, values) without running it.</summary>
    public static bool Validate(RuleNode rule, DateTimeOffset now) => Compile(rule, new SqlParameters(), now).TimeBased;

    private string Node(RuleNode node, SqlParameters p) => node switch
    {
        AndNode and => "(" + string.Join(" AND ", and.Items.Select(i => Node(i, p))) + ")",
        OrNode or => "(" + string.Join(" OR ", or.Items.Select(i => Node(i, p))) + ")",
        NotNode not => "((" + Node(not.Inner, p) + ") IS NOT TRUE)",
        ConditionNode condition => Condition(condition, p),
        _ => throw new ArgumentOutOfRangeException(nameof(node)),
    };

    private string Condition(ConditionNode c, SqlParameters p)
    {
        if (++_conditions > MaxConditions)
        {
            throw Fail(c, $"A rule has at most {MaxConditions} conditions.");
        }
        var field = RuleFields.Find(c.Field)
            ?? throw Fail(c, $"Unknown field '{c.Field}'.", [.. RuleFields.All.Select(f => f.Name), "custom.<name>"]);
        var allowed = RuleFields.Operators(field.Type);
        if (!allowed.Contains(c.Operator))
        {
            throw Fail(c, $"Field '{field.Name}' does not take '{c.Operator}'.", allowed);
        }
        if (c.Values.Count > MaxListValues)
        {
            throw Fail(c, $"At most {MaxListValues} values in a list.");
        }
        var expectedCount = c.Operator switch
        {
            RuleOperators.IsSet or RuleOperators.IsNotSet => 0,
            RuleOperators.Between => 2,
            RuleOperators.In or RuleOperators.NotIn or RuleOperators.HasAny or RuleOperators.HasAll => -1,
            _ => 1,
        };
        if ((expectedCount >= 0 && c.Values.Count != expectedCount) || (expectedCount < 0 && c.Values.Count == 0))
        {
            throw Fail(c, expectedCount switch
            {
                0 => $"'{c.Operator}' takes no value.",
                1 => $"'{c.Operator}' takes one value.",
                2 => "'between' takes two values.",
                _ => $"'{c.Operator}' takes a list of at least one value.",
            });
        }

        var column = "p." + field.Column;
        if (c.Operator == RuleOperators.IsSet || c.Operator == RuleOperators.IsNotSet)
        {
            var set = field.Type switch
            {
                RuleFieldType.Set => $"cardinality({column}) > 0",
                RuleFieldType.Products => $"EXISTS (SELECT 1 FROM orders o WHERE o.contact_id = p.contact_id AND {Counted} AND cardinality(o.skus) > 0)",
                RuleFieldType.Custom => $"(p.custom_fields -> {p.Add(field.Column, NpgsqlDbType.Text)}) IS NOT NULL",
                RuleFieldType.Text => $"coalesce({column}, '') <> ''",
                _ => $"{column} IS NOT NULL",
            };
            return c.Operator == RuleOperators.IsSet ? set : $"NOT ({set})";
        }

        return field.Type switch
        {
            RuleFieldType.Text => Text(c, field, column, p),
            RuleFieldType.Number => Compare(c, column, c.Values.Select(v => (object)Number(c, v)).ToList(), NpgsqlDbType.Numeric, p),
            RuleFieldType.Bool => $"{column} {(c.Operator == RuleOperators.Equal ? "=" : "<>")} {p.Add(Bool(c, c.Values[0]), NpgsqlDbType.Boolean)}",
            RuleFieldType.Timestamp => Timestamp(c, field, column, p),
            RuleFieldType.Date => Date(c, column, p),
            RuleFieldType.Age => Age(c, p),
            RuleFieldType.Birthday => Birthday(c, p),
            RuleFieldType.Set => Set(c, column, p),
            RuleFieldType.Products => Products(c, p),
            RuleFieldType.Custom => Custom(c, field, p),
            _ => throw new ArgumentOutOfRangeException(nameof(c)),
        };
    }

    private static string Compare(ConditionNode c, string column, IReadOnlyList<object> values, NpgsqlDbType type, SqlParameters p) => c.Operator switch
    {
        RuleOperators.Between => $"({column} >= {p.Add(values[0], type)} AND {column} <= {p.Add(values[1], type)})",
        RuleOperators.Before => $"{column} < {p.Add(values[0], type)}",
        RuleOperators.After => $"{column} > {p.Add(values[0], type)}",
        RuleOperators.NotEqual => $"{column} <> {p.Add(values[0], type)}",
        _ => $"{column} {c.Operator} {p.Add(values[0], type)}",
    };

    private static string Text(ConditionNode c, RuleField field, string column, SqlParameters p)
    {
        var values = c.Values.Select(v => v is StringValue s ? s.Value : throw Fail(c, $"'{field.Name}' compares with strings in double quotes.", ["a string"])).ToArray();
        if (field.Values is { } known && values.FirstOrDefault(v => !known.Contains(v)) is { } unknown)
        {
            throw Fail(c, $"'{unknown}' is not a value of '{field.Name}'.", known);
        }
        return c.Operator switch
        {
            RuleOperators.Equal => $"{column} = {p.Add(values[0], NpgsqlDbType.Text)}",
            RuleOperators.NotEqual => $"{column} <> {p.Add(values[0], NpgsqlDbType.Text)}",
            RuleOperators.In => $"{column} = ANY({p.Add(values, NpgsqlDbType.Array | NpgsqlDbType.Text)})",
            _ => $"{column} <> ALL({p.Add(values, NpgsqlDbType.Array | NpgsqlDbType.Text)})",
        };
    }

    private static string[] Strings(ConditionNode c) =>
        [.. c.Values.Select(v => v is StringValue s ? s.Value : throw Fail(c, $"'{c.Field}' holds strings: write them in double quotes.", ["a string"]))];

    private static string Set(ConditionNode c, string column, SqlParameters p)
    {
        // @> and && so the GIN index on the column can answer; '= ANY(tags)' could not use it.
        var values = p.Add(Strings(c), NpgsqlDbType.Array | NpgsqlDbType.Text);
        return c.Operator switch
        {
            RuleOperators.Contains or RuleOperators.HasAll => $"{column} @> {values}",
            RuleOperators.NotContains => $"NOT ({column} @> {values})",
            _ => $"{column} && {values}",
        };
    }

    private static string Products(ConditionNode c, SqlParameters p)
    {
        var values = p.Add(Strings(c), NpgsqlDbType.Array | NpgsqlDbType.Text);
        var any = $"EXISTS (SELECT 1 FROM orders o WHERE o.contact_id = p.contact_id AND {Counted} AND o.skus && {values})";
        return c.Operator switch
        {
            RuleOperators.HasAny => any,
            RuleOperators.NotContains => $"NOT {any}",
            RuleOperators.Contains when c.Values.Count == 1 => any,
            _ => $"{values} <@ ARRAY(SELECT unnest(o.skus) FROM orders o WHERE o.contact_id = p.contact_id AND {Counted})",
        };
    }

    private string Timestamp(ConditionNode c, RuleField field, string column, SqlParameters p)
    {
        if (c.Operator == RuleOperators.Within)
        {
            _timeBased = true;
            var days = WholeNumber(c, c.Values[0], 0, 100_000);
            var (from, to) = field.Future ? (_now, _now.AddDays(days)) : (_now.AddDays(-days), _now);
            return $"({column} >= {p.Add(from, NpgsqlDbType.TimestampTz)} AND {column} <= {p.Add(to, NpgsqlDbType.TimestampTz)})";
        }
        var values = c.Values.Select(v => (object)PointInTime(c, v)).ToList();
        return Compare(c, column, values, NpgsqlDbType.TimestampTz, p);
    }

    private string Date(ConditionNode c, string column, SqlParameters p)
    {
        if (c.Operator == RuleOperators.Within)
        {
            _timeBased = true;
            var days = WholeNumber(c, c.Values[0], 0, 100_000);
            return $"({column} >= {p.Add(_today.AddDays(-days), NpgsqlDbType.Date)} AND {column} <= {p.Add(_today, NpgsqlDbType.Date)})";
        }
        var values = c.Values.Select(v => (object)DateOnly.FromDateTime(PointInTime(c, v).UtcDateTime)).ToList();
        return Compare(c, column, values, NpgsqlDbType.Date, p);
    }

    /// <summary>
    /// Age as a range of birth dates, so an index on birth_date can answer: age ≥ n ⇔ born on or before today − n years.
    /// </summary>
    private string Age(ConditionNode c, SqlParameters p)
    {
        _timeBased = true;
        var ages = c.Values.Select(v => WholeNumber(c, v, 0, 200)).ToArray();
        string AtLeast(int n) => $"p.birth_date <= {p.Add(_today.AddYears(-n), NpgsqlDbType.Date)}";
        string Below(int n) => $"p.birth_date > {p.Add(_today.AddYears(-n), NpgsqlDbType.Date)}";
        return c.Operator switch
        {
            RuleOperators.GreaterOrEqual => AtLeast(ages[0]),
            RuleOperators.Greater => AtLeast(ages[0] + 1),
            RuleOperators.Less => Below(ages[0]),
            RuleOperators.LessOrEqual => Below(ages[0] + 1),
            RuleOperators.Equal => $"({AtLeast(ages[0])} AND {Below(ages[0] + 1)})",
            RuleOperators.NotEqual => $"({Below(ages[0])} OR {AtLeast(ages[0] + 1)})",
            _ => $"({AtLeast(ages[0])} AND {Below(ages[1] + 1)})",
        };
    }

    /// <summary>
    /// The next anniversary of the birth date (today counts; 29 February falls on the 28th in other years, as PostgreSQL
    /// and .NET both add years) is at most N days away.
    /// </summary>
    private string Birthday(ConditionNode c, SqlParameters p)
    {
        _timeBased = true;
        var days = WholeNumber(c, c.Values[0], 0, 366);
        var year = p.Add(_today.Year, NpgsqlDbType.Integer);
        var today = p.Add(_today, NpgsqlDbType.Date);
        var last = p.Add(_today.AddDays(days), NpgsqlDbType.Date);
        var thisYear = $"(p.birth_date + make_interval(years => {year} - extract(year FROM p.birth_date)::int))::date";
        var nextYear = $"(p.birth_date + make_interval(years => {year} + 1 - extract(year FROM p.birth_date)::int))::date";
        return $"(p.birth_date IS NOT NULL AND (CASE WHEN {thisYear} >= {today} THEN {thisYear} ELSE {nextYear} END) <= {last})";
    }

    private static string Custom(ConditionNode c, RuleField field, SqlParameters p)
    {
        var name = p.Add(field.Column, NpgsqlDbType.Text);
        if (c.Operator is RuleOperators.Equal or RuleOperators.NotEqual)
        {
            var value = c.Values[0] switch
            {
                StringValue s => p.Add(s.Value, NpgsqlDbType.Text),
                NumberValue n => p.Add(n.Value, NpgsqlDbType.Numeric),
                BoolValue b => p.Add(b.Value, NpgsqlDbType.Boolean),
                _ => throw Fail(c, "A custom field compares with a string, a number or true/false.", ["a string", "a number", "true", "false"]),
            };
            var equal = $"p.custom_fields @> jsonb_build_object({name}::text, {value})";
            return c.Operator == RuleOperators.Equal ? equal : $"((p.custom_fields -> {name}) IS NOT NULL AND NOT {equal})";
        }
        var number = $"(CASE WHEN jsonb_typeof(p.custom_fields -> {name}) = 'number' THEN (p.custom_fields ->> {name})::numeric END)";
        return Compare(c, number, c.Values.Select(v => (object)Number(c, v)).ToList(), NpgsqlDbType.Numeric, p);
    }

    private static decimal Number(ConditionNode c, RuleValue value) =>
        value is NumberValue n ? n.Value : throw Fail(c, $"'{c.Field}' compares with numbers.", ["a number"]);

    private static bool Bool(ConditionNode c, RuleValue value) =>
        value is BoolValue b ? b.Value : throw Fail(c, $"'{c.Field}' compares with true or false.", ["true", "false"]);

    private static int WholeNumber(ConditionNode c, RuleValue value, int min, int max) =>
        value is NumberValue n && n.Value == decimal.Truncate(n.Value) && n.Value >= min && n.Value <= max
            ? (int)n.Value
            : throw Fail(c, $"'{c.Field}' takes a whole number from {min} to {max} here.", ["a whole number"]);

    /// <summary>A date value: "2026-01-01", "today", "now", "30 days ago", "2 weeks from now" (from either form).</summary>
    private DateTimeOffset PointInTime(ConditionNode c, RuleValue value)
    {
        _timeBased |= value is RelativeDateValue or NamedDateValue;
        return value switch
        {
            RelativeDateValue r => Shift(r.Amount * (r.Future ? 1 : -1), r.Unit),
            NamedDateValue { Name: "now" } => _now,
            NamedDateValue => new DateTimeOffset(_today.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero),
            StringValue s when DateOnly.TryParseExact(s.Value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) =>
                new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero),
            StringValue s when DateTimeOffset.TryParse(s.Value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant) && s.Value.Contains('T') =>
                instant.ToUniversalTime(),
            StringValue s when RelativeWords(s.Value) is { } relative => PointInTime(c, relative),
            _ => throw Fail(c, $"'{c.Field}' compares with a date: \"2026-01-31\", today, now, \"30 days ago\" or \"2 weeks from now\".", ["a date"]),
        };
    }

    /// <summary>"30 days ago" or "2 weeks from now" written as a JSON string.</summary>
    private static RuleValue? RelativeWords(string text)
    {
        var words = text.Trim().ToLowerInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words is ["today"] or ["now"])
        {
            return new NamedDateValue(words[0], 0);
        }
        if (words.Length < 3 || !int.TryParse(words[0], NumberStyles.None, CultureInfo.InvariantCulture, out var amount) || amount > 100_000)
        {
            return null;
        }
        var unit = words[1].TrimEnd('s');
        if (unit is not ("day" or "week" or "month" or "year"))
        {
            return null;
        }
        return words[2..] switch
        {
            ["ago"] => new RelativeDateValue(amount, unit, false, 0),
            ["from", "now"] => new RelativeDateValue(amount, unit, true, 0),
            _ => null,
        };
    }

    private DateTimeOffset Shift(int amount, string unit) => unit switch
    {
        "week" => _now.AddDays(7 * amount),
        "month" => _now.AddMonths(amount),
        "year" => _now.AddYears(amount),
        _ => _now.AddDays(amount),
    };

    private static RuleException Fail(ConditionNode c, string message, IReadOnlyList<string>? expected = null)
    {
        var where = c.Path is not null ? $"{c.Path}: " : c.Position > 0 ? $"At position {c.Position}: " : "";
        return new RuleException(where + message, c.Position, expected, c.Path);
    }
}

/// <summary>Reads a rule from a request: the text form (<c>"rule": "stage = ..."</c>) or the JSON form (<c>"rule": {...}</c>).</summary>
public static class RuleReader
{
    public static RuleNode Read(System.Text.Json.JsonElement rule) => rule.ValueKind == System.Text.Json.JsonValueKind.String
        ? RuleTextParser.Parse(rule.GetString()!)
        : RuleJson.Read(rule);
}
