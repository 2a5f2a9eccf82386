using Tailor.Application;
using Tailor.Core.Limits;
using Tailor.Core.Segments.Rules;
using Tailor.Core.Segments.Text;

namespace Tailor.Server.Dashboard;

/// <summary>A rule field posted by a dashboard form, through the same parser as the API and CLI (a syntax error names the line and column).</summary>
public static class RuleText
{
    public static OperationResult<Rule> Parse(string? text, DefinitionLimits limits)
    {
        if (string.IsNullOrWhiteSpace(text)) return OperationProblem.Invalid("rule", "is required");
        try
        {
            return RuleParser.Parse(text, limits);
        }
        catch (RuleSyntaxException e)
        {
            return OperationProblem.Invalid("rule", e.Message);
        }
    }
}
