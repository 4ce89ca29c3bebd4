using CustomerBase.Segmentation.Rules;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CustomerBase.Segmentation.Apis;

/// <summary>A rule that cannot be used, as a 400 problem: the field (<c>rule</c>, or the JSON path), the message, where and what was expected.</summary>
public static class RuleProblems
{
    public static ValidationProblem From(RuleException error) => TypedResults.ValidationProblem(
        new Dictionary<string, string[]> { [error.Path ?? "rule"] = [error.Message] },
        title: "The rule cannot be used.",
        extensions: new Dictionary<string, object?> { ["position"] = error.Position, ["expected"] = error.Expected });

    public static ValidationProblem Field(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });
}
