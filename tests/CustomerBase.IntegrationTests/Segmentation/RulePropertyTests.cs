using System.Text.Json;
using CustomerBase.Segmentation.Infrastructure;
using CustomerBase.Segmentation.Model;
using CustomerBase.Segmentation.Rules;

namespace CustomerBase.IntegrationTests.Segmentation;

/// <summary>
/// A rule means the same in SQL as in plain C#: random rules over random contacts in a private database, each
/// compiled and run by PostgreSQL and evaluated in memory by <see cref="InMemoryRule"/>, must select the same ids.
/// </summary>
public sealed class RulePropertyTests(SystemFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly DateTimeOffset Now = new(2028, 2, 28, 15, 30, 0, TimeSpan.Zero); // the day before a leap day

    private static readonly string?[] Stages = ["potential", "new", "active", "loyal", "inactive", null];
    private static readonly string?[] Cities = ["Kraków", "Berlin", "Paris", null];
    private static readonly string?[] Genders = ["female", "male", null];
    private static readonly string[] Tags = ["vip", "b2b", "newsletter", "it's"];

    [Fact]
    public async Task RuleSqlSelectsTheSameContactsAsAnInMemoryEvaluation()
    {
        var seed = Environment.TickCount;
        var random = new Random(seed);
        await using var database = await PrivateDatabase.SegmentationAsync(fixture);
        var profiles = Enumerable.Range(0, 400).Select(_ => RandomProfile(random)).ToList();
        await using (var db = database.NewContext())
        {
            db.ContactProfiles.AddRange(profiles);
            await db.SaveChangesAsync(Ct);
        }

        await using var query = database.NewContext();
        for (var i = 0; i < 150; i++)
        {
            var rule = RandomRule(random, depth: 0);
            var parameters = new SqlParameters();
            var compiled = SegmentRuleCompiler.Compile(rule, parameters, Now);
            var fromSql = (await query.QueryAsync($"SELECT p.contact_id FROM contact_profiles p WHERE {compiled.Predicate}", parameters.All, r => r.GetGuid(0), Ct)).ToHashSet();
            var inMemory = profiles.Where(p => InMemoryRule.Matches(rule, p, Now)).Select(p => p.ContactId).ToHashSet();
            Assert.True(fromSql.SetEquals(inMemory),
                $"seed {seed}, rule {RuleJson.Write(rule).ToJsonString()}: SQL {fromSql.Count}, in memory {inMemory.Count}");
        }
    }

    private static T Pick<T>(Random random, IReadOnlyList<T> items) => items[random.Next(items.Count)];

    private static ContactProfile RandomProfile(Random random)
    {
        var orders = random.Next(0, 4) == 0 ? 0 : random.Next(1, 12);
        DateOnly? birth = random.Next(5) == 0 ? null
            : random.Next(10) == 0 ? new DateOnly(random.Next(1950, 2005) / 4 * 4, 2, 29) // leap-day birthdays, the awkward case
            : DateOnly.FromDateTime(Now.UtcDateTime).AddDays(-random.Next(365 * 15, 365 * 70));
        var custom = random.Next(3) switch { 0 => "{}", 1 => "{\"level\":\"gold\"}", _ => $"{{\"level\":\"silver\",\"score\":{random.Next(0, 10)}}}" };
        return new ContactProfile
        {
            ContactId = Guid.NewGuid(),
            CreatedAt = Now.AddDays(-random.Next(0, 1000)),
            LifecycleStage = Pick(random, Stages),
            City = Pick(random, Cities),
            Gender = Pick(random, Genders),
            BirthDate = birth,
            Tags = [.. Tags.Where(_ => random.Next(3) == 0)],
            CustomFields = custom,
            OrderCount = orders,
            TotalSpent = orders * random.Next(1, 300),
            LastOrderAt = orders == 0 ? null : Now.AddDays(-random.Next(0, 400)).AddMinutes(-random.Next(0, 1440)),
            ChurnRisk = random.Next(4) == 0,
            UpdatedAt = Now,
        };
    }

    private static RuleNode RandomRule(Random random, int depth)
    {
        var kind = depth >= 3 ? 3 : random.Next(6);
        return kind switch
        {
            0 => new AndNode([RandomRule(random, depth + 1), RandomRule(random, depth + 1)], 0),
            1 => new OrNode([RandomRule(random, depth + 1), RandomRule(random, depth + 1)], 0),
            2 => new NotNode(RandomRule(random, depth + 1), 0),
            _ => RandomCondition(random),
        };
    }

    private static RuleNode RandomCondition(Random random)
    {
        static StringValue S(string v) => new(v, 0);
        static NumberValue N(decimal v) => new(v, 0);
        string[] compare = ["=", "!=", "<", "<=", ">", ">="];
        return random.Next(11) switch
        {
            0 => new ConditionNode("stage", Pick(random, new[] { "=", "!=" }), [S(Pick(random, Stages) ?? "new")], 0),
            1 => new ConditionNode("city", Pick(random, new[] { "in", "not in" }), [S("Kraków"), S(Pick(random, Cities) ?? "Paris")], 0),
            2 => new ConditionNode("gender", Pick(random, new[] { "is set", "is not set" }), [], 0),
            3 => new ConditionNode("tags", Pick(random, new[] { "contains", "not contains" }), [S(Pick(random, Tags))], 0),
            4 => random.Next(3) == 0
                ? new ConditionNode("tags", Pick(random, new[] { "is set", "is not set" }), [], 0)
                : new ConditionNode("tags", Pick(random, new[] { "has any", "has all" }), [S(Pick(random, Tags)), S(Pick(random, Tags))], 0),
            5 => new ConditionNode("orders", Pick(random, compare), [N(random.Next(0, 12))], 0),
            6 => random.Next(2) == 0
                ? new ConditionNode("age", Pick(random, compare), [N(random.Next(15, 70))], 0)
                : new ConditionNode("age", "between", [N(random.Next(15, 40)), N(random.Next(30, 70))], 0),
            7 => new ConditionNode("birthday", "within", [N(random.Next(0, 40))], 0),
            8 => random.Next(3) switch
            {
                0 => new ConditionNode("last_order", "before", [new RelativeDateValue(random.Next(0, 400), "day", false, 0)], 0),
                1 => new ConditionNode("last_order", "after", [new RelativeDateValue(random.Next(0, 12), "month", false, 0)], 0),
                _ => new ConditionNode("last_order", "within", [N(random.Next(0, 200))], 0),
            },
            9 => new ConditionNode("custom.level", Pick(random, new[] { "=", "!=" }), [S(Pick(random, new[] { "gold", "silver" }))], 0),
            _ => random.Next(2) == 0
                ? new ConditionNode("churn_risk", "=", [new BoolValue(random.Next(2) == 0, 0)], 0)
                : new ConditionNode("custom.score", Pick(random, compare), [N(random.Next(0, 10))], 0),
        };
    }
}

/// <summary>The rule language's meaning written plainly in C#, independent of the compiler: a missing value makes a condition false.</summary>
public static class InMemoryRule
{
    public static bool Matches(RuleNode node, ContactProfile p, DateTimeOffset now) => node switch
    {
        AndNode a => a.Items.All(i => Matches(i, p, now)),
        OrNode o => o.Items.Any(i => Matches(i, p, now)),
        NotNode n => !Matches(n.Inner, p, now),
        ConditionNode c => Condition(c, p, now),
        _ => throw new ArgumentOutOfRangeException(nameof(node)),
    };

    private static bool Condition(ConditionNode c, ContactProfile p, DateTimeOffset now)
    {
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        string[] strings = [.. c.Values.OfType<StringValue>().Select(v => v.Value)];
        decimal[] numbers = [.. c.Values.OfType<NumberValue>().Select(v => v.Value)];
        switch (c.Field)
        {
            case "stage": return Text(c.Operator, p.LifecycleStage, strings);
            case "city": return Text(c.Operator, p.City, strings);
            case "gender": return Text(c.Operator, p.Gender, strings);
            case "tags":
                return c.Operator switch
                {
                    "contains" or "has all" => strings.All(p.Tags.Contains),
                    "not contains" => !strings.All(p.Tags.Contains),
                    "has any" => strings.Any(p.Tags.Contains),
                    "is set" => p.Tags.Length > 0,
                    _ => p.Tags.Length == 0,
                };
            case "orders": return Compare(c.Operator, p.OrderCount, numbers);
            case "churn_risk": return p.ChurnRisk == ((BoolValue)c.Values[0]).Value;
            case "age":
                if (p.BirthDate is not { } born)
                {
                    return false;
                }
                var age = today.Year - born.Year + 1;
                while (born > today.AddYears(-age))
                {
                    age--;
                }
                return Compare(c.Operator, age, numbers);
            case "birthday":
                if (p.BirthDate is not { } birth)
                {
                    return false;
                }
                var next = birth.AddYears(today.Year - birth.Year);
                if (next < today)
                {
                    next = birth.AddYears(today.Year - birth.Year + 1);
                }
                return next <= today.AddDays((int)numbers[0]);
            case "last_order":
                if (p.LastOrderAt is not { } last)
                {
                    return false;
                }
                if (c.Operator == "within")
                {
                    return last >= now.AddDays(-(double)numbers[0]) && last <= now;
                }
                var r = (RelativeDateValue)c.Values[0];
                var at = r.Unit == "month" ? now.AddMonths(-r.Amount) : now.AddDays(-r.Amount);
                return c.Operator == "before" ? last < at : last > at;
            case "custom.level":
            case "custom.score":
                using (var json = JsonDocument.Parse(p.CustomFields))
                {
                    var name = c.Field["custom.".Length..];
                    if (!json.RootElement.TryGetProperty(name, out var value))
                    {
                        return false;
                    }
                    if (c.Field == "custom.level")
                    {
                        var equal = value.ValueKind == JsonValueKind.String && value.GetString() == strings[0];
                        return c.Operator == "=" ? equal : !equal;
                    }
                    return value.ValueKind == JsonValueKind.Number && Compare(c.Operator, value.GetDecimal(), numbers);
                }
            default: throw new ArgumentOutOfRangeException(nameof(c), c.Field);
        }
    }

    private static bool Text(string op, string? value, string[] values) => op switch
    {
        "is set" => !string.IsNullOrEmpty(value),
        "is not set" => string.IsNullOrEmpty(value),
        _ when value is null => false,
        "=" => value == values[0],
        "!=" => value != values[0],
        "in" => values.Contains(value),
        _ => !values.Contains(value),
    };

    private static bool Compare(string op, decimal value, decimal[] n) => op switch
    {
        "=" => value == n[0],
        "!=" => value != n[0],
        "<" => value < n[0],
        "<=" => value <= n[0],
        ">" => value > n[0],
        ">=" => value >= n[0],
        _ => value >= n[0] && value <= n[1],
    };
}
