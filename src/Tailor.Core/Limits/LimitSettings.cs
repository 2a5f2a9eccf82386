using System.Globalization;
using Tailor.Core.Content;

namespace Tailor.Core.Limits;

/// <summary>
/// Reads limit overrides written as <c>Name=value</c> pairs separated by commas (<c>TAILOR_LIMITS</c>, <c>serve --limits</c>),
/// e.g. <c>MaxRuleDepth=32,MaxTemplateBytes=524288,MaxDuration=5000</c> (MaxDuration in milliseconds). Names are the
/// properties of <see cref="DefinitionLimits"/> and <see cref="RenderBudget"/>.
/// </summary>
public static class LimitSettings
{
    /// <exception cref="FormatException">An unknown name, a value that is not a whole number, or a limit out of range.</exception>
    public static (DefinitionLimits Definitions, RenderBudget Budget) Parse(string? text)
    {
        var definitions = DefinitionLimits.Default;
        var budget = RenderBudget.Default;
        foreach (var pair in (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = pair.Split('=', 2, StringSplitOptions.TrimEntries);
            if (parts.Length != 2 || !int.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
                throw new FormatException($"limit '{pair}' must be Name=whole number");
            switch (parts[0])
            {
                case nameof(DefinitionLimits.MaxRuleDepth): definitions = definitions with { MaxRuleDepth = value }; break;
                case nameof(DefinitionLimits.MaxRuleNodes): definitions = definitions with { MaxRuleNodes = value }; break;
                case nameof(DefinitionLimits.MaxRuleTextLength): definitions = definitions with { MaxRuleTextLength = value }; break;
                case nameof(DefinitionLimits.MaxTriggerBytes): definitions = definitions with { MaxTriggerBytes = value }; break;
                case nameof(DefinitionLimits.MaxTriggerSteps): definitions = definitions with { MaxTriggerSteps = value }; break;
                case nameof(DefinitionLimits.MaxTriggerDepth): definitions = definitions with { MaxTriggerDepth = value }; break;
                case nameof(DefinitionLimits.MaxTemplateBytes): definitions = definitions with { MaxTemplateBytes = value }; break;
                case nameof(DefinitionLimits.MaxTemplateNesting): definitions = definitions with { MaxTemplateNesting = value }; break;
                case nameof(DefinitionLimits.MaxTemplateFilters): definitions = definitions with { MaxTemplateFilters = value }; break;
                case nameof(RenderBudget.MaxSteps): budget = budget with { MaxSteps = value }; break;
                case nameof(RenderBudget.MaxRangeLength): budget = budget with { MaxRangeLength = value }; break;
                case nameof(RenderBudget.MaxOutputBytes): budget = budget with { MaxOutputBytes = value }; break;
                case nameof(RenderBudget.MaxDuration): budget = budget with { MaxDuration = TimeSpan.FromMilliseconds(value) }; break;
                default: throw new FormatException($"'{parts[0]}' is not a limit (see docs/rules.md, docs/content.md, docs/triggers.md)");
            }
        }
        if ((definitions.Invalid() ?? budget.Invalid()) is { } invalid) throw new FormatException(invalid);
        return (definitions, budget);
    }
}
