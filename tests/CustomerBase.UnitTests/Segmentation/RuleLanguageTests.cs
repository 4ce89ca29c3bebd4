using System.Text.Json;
using CustomerBase.Segmentation.Metrics;
using CustomerBase.Segmentation.Rules;

namespace CustomerBase.UnitTests.Segmentation;

public sealed class RuleLanguageTests
{
    private static readonly DateTimeOffset Now = new(2026, 6, 15, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void TheIssuesExampleParsesIntoFiveConditions()
    {
        const string text = "stage = \"active\" and age between 20 and 35 and \"vip\" in tags and last_order before 30 days ago and birthday within 7 days";
        var rule = RuleTextParser.Parse(text);

        var and = Assert.IsType<AndNode>(rule);
        Assert.Equal(
            [("stage", "="), ("age", "between"), ("tags", "contains"), ("last_order", "before"), ("birthday", "within")],
            and.Items.Cast<ConditionNode>().Select(c => (c.Field, c.Operator)));
        Assert.Equal(new RelativeDateValue(30, "day", false, text.IndexOf("30 days", StringComparison.Ordinal) + 1), ((ConditionNode)and.Items[3]).Values[0]);
    }

    [Fact]
    public void AndBindsTighterThanOrAndParenthesesGroup()
    {
        var rule = RuleTextParser.Parse("orders > 1 or orders = 0 and not (city is set)");

        var or = Assert.IsType<OrNode>(rule);
        var and = Assert.IsType<AndNode>(or.Items[1]);
        Assert.IsType<NotNode>(and.Items[1]);
    }

    [Theory]
    [InlineData("", 1, "a field name")]
    [InlineData("orders >", 9, "a number")]
    [InlineData("city = \"Kraków", 15, "\"")] // the end of the rule
    [InlineData("last_order before 30 days", 26, "'ago'")]
    [InlineData("tags has some [\"a\"]", 10, "'any'")]
    public void AParseErrorNamesThePositionAndWhatWasExpected(string text, int position, string expected)
    {
        var error = Assert.Throws<RuleException>(() => RuleTextParser.Parse(text));

        Assert.Equal(position, error.Position);
        Assert.Contains(expected, error.Expected);
    }

    [Fact]
    public void TheJsonFormReadsBackWhatTheTextFormWrote()
    {
        var text = RuleTextParser.Parse("(city in [\"A\", \"B\"] or not churn_risk = true) and last_order after 2 weeks ago and custom.level = \"gold\"");

        var json = RuleJson.Write(text).ToJsonString();
        using var document = JsonDocument.Parse(json);
        var again = RuleJson.Write(RuleJson.Read(document.RootElement)).ToJsonString();

        Assert.Equal(json, again);
        Assert.Contains("\"2 weeks ago\"", json);
    }

    [Fact]
    public void ValuesNeverReachTheSqlText()
    {
        const string hostile = "x'); DROP TABLE contact_profiles; --";
        var parameters = new SqlParameters();

        var compiled = SegmentRuleCompiler.Compile(RuleTextParser.Parse($"city = \"{hostile.Replace("'", "\\'")}\" or \"{hostile.Replace("'", "\\'")}\" in tags"), parameters, Now);

        Assert.DoesNotContain("DROP", compiled.Predicate);
        Assert.Equal("(p.city = @r0 OR p.tags @> @r1)", compiled.Predicate);
        Assert.Equal(hostile, parameters.All[0].Value);
        Assert.Equal([hostile], (string[])parameters.All[1].Value!);
    }

    [Fact]
    public void AgeBecomesABirthDateRangeAndIsTimeBased()
    {
        var parameters = new SqlParameters();

        var compiled = SegmentRuleCompiler.Compile(RuleTextParser.Parse("age between 20 and 35"), parameters, Now);

        Assert.Equal("(p.birth_date <= @r0 AND p.birth_date > @r1)", compiled.Predicate);
        Assert.Equal([new DateOnly(2006, 6, 15), new DateOnly(1990, 6, 15)], parameters.All.Select(p => (DateOnly)p.Value!));
        Assert.True(compiled.TimeBased);
    }

    [Theory]
    [InlineData("shoe_size = 44", "Unknown field 'shoe_size'")]
    [InlineData("stage = \"sleepy\"", "'sleepy' is not a value of 'stage'")]
    [InlineData("tags > 3", "does not take '>'")]
    [InlineData("orders = \"many\"", "compares with numbers")]
    [InlineData("age > 20.5", "whole number")]
    public void ACompileErrorNamesTheProblem(string text, string message)
    {
        var error = Assert.Throws<RuleException>(() => SegmentRuleCompiler.Validate(RuleTextParser.Parse(text), Now));

        Assert.Contains(message, error.Message);
        Assert.Equal(1, error.Position);
    }

    [Theory]
    [InlineData(5, 5, "champions")]
    [InlineData(3, 4, "loyal_customers")]
    [InlineData(4, 1, "promising")]
    [InlineData(3, 3, "need_attention")]
    [InlineData(1, 5, "cant_lose")]
    [InlineData(2, 2, "hibernating")]
    public void RfmGroupsFollowTheGrid(int r, int f, string group) => Assert.Equal(group, RfmGroups.Name(r, f));
}
