namespace CustomerBase.Segmentation.Rules;

/// <summary>
/// A parsed rule, the same whichever form it came in (text or JSON). <see cref="RuleNode.Position"/> is the 1-based
/// character in the text form (0 for the JSON form, whose errors name a path instead).
/// </summary>
public abstract record RuleNode(int Position);

public sealed record AndNode(IReadOnlyList<RuleNode> Items, int Position) : RuleNode(Position);

public sealed record OrNode(IReadOnlyList<RuleNode> Items, int Position) : RuleNode(Position);

public sealed record NotNode(RuleNode Inner, int Position) : RuleNode(Position);

/// <summary>One condition: a whitelisted field, an operator from <see cref="RuleOperators"/>, and its values.</summary>
public sealed record ConditionNode(string Field, string Operator, IReadOnlyList<RuleValue> Values, int Position, string? Path = null) : RuleNode(Position);

public abstract record RuleValue(int Position);

public sealed record StringValue(string Value, int Position) : RuleValue(Position);

public sealed record NumberValue(decimal Value, int Position) : RuleValue(Position);

public sealed record BoolValue(bool Value, int Position) : RuleValue(Position);

/// <summary>A date relative to now: <c>30 days ago</c>, <c>2 weeks from now</c>; <see cref="Unit"/> is day, week, month or year.</summary>
public sealed record RelativeDateValue(int Amount, string Unit, bool Future, int Position) : RuleValue(Position);

/// <summary><c>today</c> (the start of the current UTC day) or <c>now</c>.</summary>
public sealed record NamedDateValue(string Name, int Position) : RuleValue(Position);

/// <summary>The operators, by the name the JSON form uses (the text form spells most the same).</summary>
public static class RuleOperators
{
    public const string Equal = "=";
    public const string NotEqual = "!=";
    public const string Less = "<";
    public const string LessOrEqual = "<=";
    public const string Greater = ">";
    public const string GreaterOrEqual = ">=";
    public const string Between = "between";
    public const string In = "in";
    public const string NotIn = "not in";
    public const string Contains = "contains";
    public const string NotContains = "not contains";
    public const string HasAny = "has any";
    public const string HasAll = "has all";
    public const string IsSet = "is set";
    public const string IsNotSet = "is not set";
    public const string Before = "before";
    public const string After = "after";
    public const string Within = "within";

    public static readonly IReadOnlySet<string> All = new HashSet<string>
    {
        Equal, NotEqual, Less, LessOrEqual, Greater, GreaterOrEqual, Between, In, NotIn, Contains, NotContains,
        HasAny, HasAll, IsSet, IsNotSet, Before, After, Within,
    };
}

/// <summary>
/// A rule that cannot be used: where (a 1-based character of the text form, or a JSON path) and what was expected
/// there. Carries no rule text beyond the offending token, which is the user's own input.
/// </summary>
public sealed class RuleException(string message, int position, IReadOnlyList<string>? expected = null, string? path = null) : Exception(message)
{
    public int Position { get; } = position;
    public IReadOnlyList<string> Expected { get; } = expected ?? [];
    public string? Path { get; } = path;
}
