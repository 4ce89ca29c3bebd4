using System.Text.Encodings.Web;
using System.Text.RegularExpressions;
using Fluid;
using Fluid.Ast;

namespace CustomerBase.Campaigns.Model.Templates;

/// <summary>
/// A campaign's subject or body in Liquid (Fluid). Parsed once, checked against the fields campaigns can fill
/// (<see cref="TemplateFields"/>), then rendered per recipient as plain text (no HTML encoding: the channel decides).
/// </summary>
public sealed partial class MessageTemplate
{
    private static readonly FluidParser Parser = new();
    private static readonly TemplateOptions Options = new();
    private readonly IFluidTemplate _template;

    private MessageTemplate(IFluidTemplate template) => _template = template;

    /// <summary>The template, or the problems a person can fix: a parse error or each unknown field, with its line.</summary>
    public static (MessageTemplate? Template, IReadOnlyList<string> Errors) Parse(string source)
    {
        if (!Parser.TryParse(source, out var template, out var error))
        {
            return (null, [DescribeParseError(error)]);
        }
        var collector = new FieldCollector();
        collector.VisitTemplate(template);
        var errors = collector.Fields
            .Where(field => !collector.LocalNames.Contains(field.Root) && !TemplateFields.IsKnown(field.Root, field.Member))
            .Select(field => field.Member is null
                ? $"line {LineOf(source, field.Root, null)}: unknown field '{field.Root}'; known: {string.Join(", ", TemplateFields.Roots)}."
                : $"line {LineOf(source, field.Root, field.Member)}: unknown field '{field.Root}.{field.Member}'; known: {string.Join(", ", TemplateFields.MembersOf(field.Root) ?? [])}.")
            .Distinct()
            .ToList();
        return errors.Count == 0 ? (new MessageTemplate(template), []) : (null, errors);
    }

    public string Render(IReadOnlyDictionary<string, object?> values)
    {
        var context = new TemplateContext(Options);
        foreach (var (name, value) in values)
        {
            context.SetValue(name, value);
        }
        return _template.Render(context, NullEncoder.Default);
    }

    /// <summary>Fluid says "… at (3:14)"; a person reads "line 3, column 14: …".</summary>
    private static string DescribeParseError(string error)
    {
        var position = PositionPattern().Match(error);
        return position.Success
            ? $"line {position.Groups[1].Value}, column {position.Groups[2].Value}: {PositionPattern().Replace(error, "").Trim()}"
            : error;
    }

    private static int LineOf(string source, string root, string? member)
    {
        var pattern = member is null ? $@"\b{Regex.Escape(root)}\b" : $@"\b{Regex.Escape(root)}\s*\.\s*{Regex.Escape(member)}\b";
        var lines = source.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (Regex.IsMatch(lines[i], pattern))
            {
                return i + 1;
            }
        }
        return 1;
    }

    [GeneratedRegex(@"at \((\d+):(\d+)\)")]
    private static partial Regex PositionPattern();

    /// <summary>Every <c>root.member</c> a template reads, and the names it defines itself (for, assign, capture).</summary>
    private sealed class FieldCollector : AstVisitor
    {
        public List<(string Root, string? Member)> Fields { get; } = [];
        public HashSet<string> LocalNames { get; } = ["forloop"];

        protected override Expression VisitMemberExpression(MemberExpression memberExpression)
        {
            var segments = memberExpression.Segments;
            if (segments.Count > 0 && segments[0] is IdentifierSegment root)
            {
                var member = segments.Count > 1 && segments[1] is IdentifierSegment second ? second.Identifier : null;
                Fields.Add((root.Identifier, member));
            }
            return base.VisitMemberExpression(memberExpression);
        }

        protected override Statement VisitForStatement(ForStatement forStatement)
        {
            LocalNames.Add(forStatement.Identifier);
            return base.VisitForStatement(forStatement);
        }

        protected override Statement VisitAssignStatement(AssignStatement assignStatement)
        {
            LocalNames.Add(assignStatement.Identifier);
            return base.VisitAssignStatement(assignStatement);
        }

        protected override Statement VisitCaptureStatement(CaptureStatement captureStatement)
        {
            LocalNames.Add(captureStatement.Identifier);
            return base.VisitCaptureStatement(captureStatement);
        }
    }
}
