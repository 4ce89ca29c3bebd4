using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CustomerBase.Segmentation.Rules;

/// <summary>
/// The JSON form of a rule, for programs: <c>{"and": [...]}</c>, <c>{"or": [...]}</c>, <c>{"not": {...}}</c>, or a
/// condition <c>{"field": "age", "op": "between", "value": [20, 35]}</c>. Dates are strings in the text form's
/// words ("30 days ago", "2026-01-01", "today"). Errors name the JSON path of the offending element.
/// </summary>
public static class RuleJson
{
    private const int MaxDepth = 32;

    public static RuleNode Read(JsonElement element, string path = "rule") => Read(element, path, 0);

    private static RuleNode Read(JsonElement element, string path, int depth)
    {
        if (depth > MaxDepth)
        {
            throw Invalid(path, $"A rule nests at most {MaxDepth} deep.", []);
        }
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw Invalid(path, "Expected an object: {\"and\": [...]}, {\"or\": [...]}, {\"not\": {...}} or {\"field\": ..., \"op\": ..., \"value\": ...}.", ["an object"]);
        }
        if (element.TryGetProperty("and", out var and) || element.TryGetProperty("or", out and))
        {
            var name = element.TryGetProperty("and", out _) ? "and" : "or";
            if (and.ValueKind != JsonValueKind.Array || and.GetArrayLength() == 0)
            {
                throw Invalid($"{path}.{name}", "Expected a non-empty array of rules.", ["an array"]);
            }
            var items = and.EnumerateArray().Select((item, i) => Read(item, $"{path}.{name}[{i}]", depth + 1)).ToList();
            return name == "and" ? new AndNode(items, 0) : new OrNode(items, 0);
        }
        if (element.TryGetProperty("not", out var not))
        {
            return new NotNode(Read(not, $"{path}.not", depth + 1), 0);
        }
        if (!element.TryGetProperty("field", out var field) || field.ValueKind != JsonValueKind.String)
        {
            throw Invalid($"{path}.field", "Expected \"field\" (a string), or \"and\", \"or\", \"not\".", ["field", "and", "or", "not"]);
        }
        if (!element.TryGetProperty("op", out var op) || op.ValueKind != JsonValueKind.String || !RuleOperators.All.Contains(op.GetString()!))
        {
            throw Invalid($"{path}.op", $"Expected \"op\", one of: {string.Join(", ", RuleOperators.All)}.", [.. RuleOperators.All]);
        }
        var values = new List<RuleValue>();
        if (element.TryGetProperty("value", out var value))
        {
            if (value.ValueKind == JsonValueKind.Array)
            {
                values.AddRange(value.EnumerateArray().Select((v, i) => Literal(v, $"{path}.value[{i}]")));
            }
            else
            {
                values.Add(Literal(value, $"{path}.value"));
            }
        }
        return new ConditionNode(field.GetString()!.ToLowerInvariant(), op.GetString()!, values, 0, path);
    }

    private static RuleValue Literal(JsonElement value, string path) => value.ValueKind switch
    {
        JsonValueKind.String => new StringValue(value.GetString()!, 0),
        JsonValueKind.Number when value.TryGetDecimal(out var number) => new NumberValue(number, 0),
        JsonValueKind.True => new BoolValue(true, 0),
        JsonValueKind.False => new BoolValue(false, 0),
        _ => throw Invalid(path, "Expected a string, a number or a boolean.", ["a string", "a number", "a boolean"]),
    };

    private static RuleException Invalid(string path, string message, IReadOnlyList<string> expected) =>
        new($"{path}: {message}", 0, expected, path);

    /// <summary>The JSON form of a rule (how a saved segment keeps it, whichever form it came in).</summary>
    public static JsonNode Write(RuleNode node) => node switch
    {
        AndNode and => new JsonObject { ["and"] = new JsonArray([.. and.Items.Select(Write)]) },
        OrNode or => new JsonObject { ["or"] = new JsonArray([.. or.Items.Select(Write)]) },
        NotNode not => new JsonObject { ["not"] = Write(not.Inner) },
        ConditionNode c => Condition(c),
        _ => throw new ArgumentOutOfRangeException(nameof(node)),
    };

    private static JsonObject Condition(ConditionNode c)
    {
        var result = new JsonObject { ["field"] = c.Field, ["op"] = c.Operator };
        var multiple = c.Operator is RuleOperators.Between or RuleOperators.In or RuleOperators.NotIn or RuleOperators.HasAny or RuleOperators.HasAll;
        if (multiple)
        {
            result["value"] = new JsonArray([.. c.Values.Select(Value)]);
        }
        else if (c.Values.Count == 1)
        {
            result["value"] = Value(c.Values[0]);
        }
        return result;
    }

    private static JsonNode? Value(RuleValue value) => value switch
    {
        StringValue s => JsonValue.Create(s.Value),
        NumberValue n => JsonValue.Create(n.Value),
        BoolValue b => JsonValue.Create(b.Value),
        RelativeDateValue r => JsonValue.Create(string.Create(CultureInfo.InvariantCulture, $"{r.Amount} {r.Unit}s {(r.Future ? "from now" : "ago")}")),
        NamedDateValue d => JsonValue.Create(d.Name),
        _ => throw new ArgumentOutOfRangeException(nameof(value)),
    };
}
