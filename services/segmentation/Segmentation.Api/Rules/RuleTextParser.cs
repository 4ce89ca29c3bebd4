using System.Globalization;
using System.Text;

namespace CustomerBase.Segmentation.Rules;

/// <summary>
/// Parses the text form of a rule, e.g. <c>stage = "active" and age between 20 and 35 and "vip" in tags and
/// last_order before 30 days ago and birthday within 7 days</c>, by recursive descent (grammar in docs/segmentation.md).
/// Errors name the 1-based character and what was expected there. Field names are checked later, by the compiler.
/// </summary>
public sealed class RuleTextParser
{
    public const int MaxLength = 10_000;
    private const int MaxDepth = 32;

    private readonly List<Token> _tokens;
    private int _index;
    private int _depth;

    private RuleTextParser(List<Token> tokens) => _tokens = tokens;

    public static RuleNode Parse(string text)
    {
        if (text.Length > MaxLength)
        {
            throw new RuleException($"A rule is at most {MaxLength} characters.", MaxLength + 1);
        }
        var parser = new RuleTextParser(Tokenize(text));
        var rule = parser.ParseOr();
        parser.Expect(TokenKind.End, "'and', 'or' or the end of the rule");
        return rule;
    }

    private enum TokenKind { Word, String, Number, Symbol, End }

    private sealed record Token(TokenKind Kind, string Text, int Position)
    {
        public bool IsWord(string word) => Kind == TokenKind.Word && Text.Equals(word, StringComparison.OrdinalIgnoreCase);
        public bool IsSymbol(string symbol) => Kind == TokenKind.Symbol && Text == symbol;
        public string Describe() => Kind switch
        {
            TokenKind.End => "the end of the rule",
            TokenKind.String => "a string",
            _ => $"'{Text}'",
        };
    }

    private Token Current => _tokens[_index];

    private Token Next() => _tokens[_index++];

    private RuleException Error(string expected) => Error([expected]);

    private RuleException Error(IReadOnlyList<string> expected) =>
        new($"Expected {string.Join(" or ", expected)} at position {Current.Position}, found {Current.Describe()}.", Current.Position, expected);

    private void Expect(TokenKind kind, string expected)
    {
        if (Current.Kind != kind)
        {
            throw Error(expected);
        }
        Next();
    }

    private void ExpectWord(string word)
    {
        if (!Current.IsWord(word))
        {
            throw Error($"'{word}'");
        }
        Next();
    }

    private void ExpectSymbol(string symbol)
    {
        if (!Current.IsSymbol(symbol))
        {
            throw Error($"'{symbol}'");
        }
        Next();
    }

    private RuleNode ParseOr()
    {
        var position = Current.Position;
        var items = new List<RuleNode> { ParseAnd() };
        while (Current.IsWord("or"))
        {
            Next();
            items.Add(ParseAnd());
        }
        return items.Count == 1 ? items[0] : new OrNode(items, position);
    }

    private RuleNode ParseAnd()
    {
        var position = Current.Position;
        var items = new List<RuleNode> { ParseUnary() };
        while (Current.IsWord("and"))
        {
            Next();
            items.Add(ParseUnary());
        }
        return items.Count == 1 ? items[0] : new AndNode(items, position);
    }

    private RuleNode ParseUnary()
    {
        if (++_depth > MaxDepth)
        {
            throw new RuleException($"A rule nests at most {MaxDepth} deep (position {Current.Position}).", Current.Position);
        }
        try
        {
            var position = Current.Position;
            if (Current.IsWord("not"))
            {
                Next();
                return new NotNode(ParseUnary(), position);
            }
            if (Current.IsSymbol("("))
            {
                Next();
                var inner = ParseOr();
                ExpectSymbol(")");
                return inner;
            }
            return ParseCondition();
        }
        finally
        {
            _depth--;
        }
    }

    private RuleNode ParseCondition()
    {
        var position = Current.Position;
        // "vip" in tags / "vip" not in tags: a value tested against a set field.
        if (Current.Kind is TokenKind.String or TokenKind.Number)
        {
            var value = ParseLiteral();
            var negated = false;
            if (Current.IsWord("not"))
            {
                Next();
                negated = true;
            }
            ExpectWord("in");
            var setField = ParseFieldName();
            return new ConditionNode(setField, negated ? RuleOperators.NotContains : RuleOperators.Contains, [value], position);
        }

        var field = ParseFieldName();
        var token = Current;
        if (token.Kind == TokenKind.Symbol && token.Text is "=" or "!=" or "<>" or "<" or "<=" or ">" or ">=")
        {
            Next();
            var op = token.Text == "<>" ? RuleOperators.NotEqual : token.Text;
            return new ConditionNode(field, op, [ParseValue()], position);
        }
        if (token.IsWord("between"))
        {
            Next();
            var low = ParseValue();
            ExpectWord("and");
            return new ConditionNode(field, RuleOperators.Between, [low, ParseValue()], position);
        }
        if (token.IsWord("before") || token.IsWord("after"))
        {
            Next();
            return new ConditionNode(field, token.Text.ToLowerInvariant(), [ParseValue()], position);
        }
        if (token.IsWord("within"))
        {
            Next();
            var amount = ParseInteger();
            ParseUnit(); // "within 7 days": the unit is days; weeks are multiplied out
            return new ConditionNode(field, RuleOperators.Within, [new NumberValue(amount.Value * UnitDays(_tokens[_index - 1]), amount.Position)], position);
        }
        if (token.IsWord("in"))
        {
            Next();
            return new ConditionNode(field, RuleOperators.In, ParseList(), position);
        }
        if (token.IsWord("not"))
        {
            Next();
            if (Current.IsWord("contains"))
            {
                Next();
                return new ConditionNode(field, RuleOperators.NotContains, [ParseLiteral()], position);
            }
            ExpectWord("in");
            return new ConditionNode(field, RuleOperators.NotIn, ParseList(), position);
        }
        if (token.IsWord("contains"))
        {
            Next();
            return new ConditionNode(field, RuleOperators.Contains, [ParseLiteral()], position);
        }
        if (token.IsWord("has"))
        {
            Next();
            var which = Current;
            if (!which.IsWord("any") && !which.IsWord("all"))
            {
                throw Error(["'any'", "'all'"]);
            }
            Next();
            return new ConditionNode(field, which.IsWord("any") ? RuleOperators.HasAny : RuleOperators.HasAll, ParseList(), position);
        }
        if (token.IsWord("is"))
        {
            Next();
            var negated = false;
            if (Current.IsWord("not"))
            {
                Next();
                negated = true;
            }
            if (!Current.IsWord("set") && !Current.IsWord("empty"))
            {
                throw Error(["'set'", "'empty'"]);
            }
            // "is empty" is "is not set", and "is not empty" is "is set".
            var set = Current.IsWord("set") != negated;
            Next();
            return new ConditionNode(field, set ? RuleOperators.IsSet : RuleOperators.IsNotSet, [], position);
        }
        throw Error(["an operator (=, !=, <, <=, >, >=, between, in, not in, contains, has any, has all, before, after, within, is set)"]);
    }

    private string ParseFieldName()
    {
        if (Current.Kind != TokenKind.Word || Keywords.Contains(Current.Text))
        {
            throw Error("a field name");
        }
        return Next().Text.ToLowerInvariant();
    }

    private List<RuleValue> ParseList()
    {
        ExpectSymbol("[");
        var values = new List<RuleValue> { ParseLiteral() };
        while (Current.IsSymbol(","))
        {
            Next();
            values.Add(ParseLiteral());
        }
        ExpectSymbol("]");
        return values;
    }

    /// <summary>A string, number or boolean.</summary>
    private RuleValue ParseLiteral()
    {
        var token = Current;
        switch (token.Kind)
        {
            case TokenKind.String:
                Next();
                return new StringValue(token.Text, token.Position);
            case TokenKind.Number:
                Next();
                return new NumberValue(decimal.Parse(token.Text, NumberStyles.Number, CultureInfo.InvariantCulture), token.Position);
            case TokenKind.Word when token.IsWord("true") || token.IsWord("false"):
                Next();
                return new BoolValue(token.IsWord("true"), token.Position);
            default:
                throw Error(["a string in double quotes", "a number", "true", "false"]);
        }
    }

    /// <summary>A literal, or a date: <c>today</c>, <c>now</c>, <c>30 days ago</c>, <c>2 weeks from now</c>.</summary>
    private RuleValue ParseValue()
    {
        var token = Current;
        if (token.IsWord("today") || token.IsWord("now"))
        {
            Next();
            return new NamedDateValue(token.Text.ToLowerInvariant(), token.Position);
        }
        if (token.Kind == TokenKind.Number && _tokens[_index + 1].Kind == TokenKind.Word && UnitNames.ContainsKey(_tokens[_index + 1].Text.ToLowerInvariant()))
        {
            var amount = ParseInteger();
            var unit = ParseUnit();
            if (Current.IsWord("ago"))
            {
                Next();
                return new RelativeDateValue(amount.Value, unit, Future: false, token.Position);
            }
            if (Current.IsWord("from"))
            {
                Next();
                ExpectWord("now");
                return new RelativeDateValue(amount.Value, unit, Future: true, token.Position);
            }
            throw Error(["'ago'", "'from now'"]);
        }
        return ParseLiteral();
    }

    private (int Value, int Position) ParseInteger()
    {
        var token = Current;
        if (token.Kind != TokenKind.Number || !int.TryParse(token.Text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value > 100_000)
        {
            throw Error("a whole number of at most 100000");
        }
        Next();
        return (value, token.Position);
    }

    private string ParseUnit()
    {
        if (Current.Kind != TokenKind.Word || !UnitNames.TryGetValue(Current.Text.ToLowerInvariant(), out var unit))
        {
            throw Error(["'days'", "'weeks'", "'months'", "'years'"]);
        }
        Next();
        return unit;
    }

    private static int UnitDays(Token unit) => UnitNames[unit.Text.ToLowerInvariant()] switch
    {
        "week" => 7,
        "day" => 1,
        _ => throw new RuleException($"'within' counts days or weeks (position {unit.Position}).", unit.Position, ["'days'", "'weeks'"]),
    };

    private static readonly Dictionary<string, string> UnitNames = new()
    {
        ["day"] = "day", ["days"] = "day", ["week"] = "week", ["weeks"] = "week",
        ["month"] = "month", ["months"] = "month", ["year"] = "year", ["years"] = "year",
    };

    private static readonly HashSet<string> Keywords = new(StringComparer.OrdinalIgnoreCase)
    {
        "and", "or", "not", "in", "is", "between", "before", "after", "within", "has", "contains", "true", "false", "today", "now", "ago",
    };

    private static List<Token> Tokenize(string text)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            var position = i + 1;
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (c is '"' or '\'')
            {
                var value = new StringBuilder();
                i++;
                while (true)
                {
                    if (i >= text.Length)
                    {
                        throw new RuleException($"The string starting at position {position} is not closed: expected {c}.", text.Length + 1, [c.ToString()]);
                    }
                    if (text[i] == '\\' && i + 1 < text.Length)
                    {
                        value.Append(text[i + 1]);
                        i += 2;
                    }
                    else if (text[i] == c)
                    {
                        i++;
                        break;
                    }
                    else
                    {
                        value.Append(text[i++]);
                    }
                }
                tokens.Add(new Token(TokenKind.String, value.ToString(), position));
            }
            else if (char.IsAsciiDigit(c) || (c == '-' && i + 1 < text.Length && char.IsAsciiDigit(text[i + 1])))
            {
                var start = i++;
                while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '.'))
                {
                    i++;
                }
                var number = text[start..i];
                if (!decimal.TryParse(number, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out _))
                {
                    throw new RuleException($"'{number}' at position {position} is not a number.", position, ["a number"]);
                }
                tokens.Add(new Token(TokenKind.Number, number, position));
            }
            else if (char.IsAsciiLetter(c) || c == '_')
            {
                var start = i++;
                while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] is '_' or '.'))
                {
                    i++;
                }
                tokens.Add(new Token(TokenKind.Word, text[start..i], position));
            }
            else if (i + 1 < text.Length && text.Substring(i, 2) is "!=" or "<>" or "<=" or ">=")
            {
                tokens.Add(new Token(TokenKind.Symbol, text.Substring(i, 2), position));
                i += 2;
            }
            else if (c is '=' or '<' or '>' or '(' or ')' or '[' or ']' or ',')
            {
                tokens.Add(new Token(TokenKind.Symbol, c.ToString(), position));
                i++;
            }
            else
            {
                throw new RuleException($"Unexpected character at position {position}.", position,
                    ["a field name", "a string in double quotes", "a number", "an operator", "'('", "')'"]);
            }
        }
        tokens.Add(new Token(TokenKind.End, "", text.Length + 1));
        return tokens;
    }
}
