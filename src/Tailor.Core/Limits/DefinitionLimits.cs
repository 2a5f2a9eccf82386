namespace Tailor.Core.Limits;

/// <summary>
/// How large and how deep the definitions people save may be: rules (segments, block conditions, decision trees,
/// trigger conditions), trigger definitions and templates. Checked before anything is saved, and again when stored
/// definitions are loaded (one that breaks a limit is disabled with the reason). The depth limit also bounds every
/// recursive walk Tailor makes over a rule, so hostile input cannot overflow the stack. Documented in docs/rules.md,
/// docs/triggers.md and docs/content.md.
/// </summary>
public sealed record DefinitionLimits
{
    /// <summary>
    /// Deepest rule (default 24): conditions on the longest path from the rule's root to a leaf, counting each
    /// and/or/not/for-some and parentheses in the text form. 24 keeps the JSON form inside JSON's usual 64 levels.
    /// </summary>
    public int MaxRuleDepth { get; init; } = 24;

    /// <summary>Most conditions in one rule, counting every and/or/not/for-some and leaf (default 500).</summary>
    public int MaxRuleNodes { get; init; } = 500;

    /// <summary>Longest rule text, in characters (default 20,000).</summary>
    public int MaxRuleTextLength { get; init; } = 20_000;

    /// <summary>Largest trigger definition, in bytes of its JSON (default 256 KB).</summary>
    public int MaxTriggerBytes { get; init; } = 256 * 1024;

    /// <summary>Most steps in one trigger (default 100).</summary>
    public int MaxTriggerSteps { get; init; } = 100;

    /// <summary>Deepest JSON inside a trigger definition (default 32 levels).</summary>
    public int MaxTriggerDepth { get; init; } = 32;

    /// <summary>Largest template body (a template, a block body or translation, a campaign or trigger email), in UTF-8 bytes (default 256 KB).</summary>
    public int MaxTemplateBytes { get; init; } = 256 * 1024;

    /// <summary>
    /// Deepest nesting in a template (default 32): block tags inside block tags (<c>if</c>, <c>for</c>, <c>case</c>, ...)
    /// and parentheses inside one tag. Fluid recurses once per level; thousands would overflow the stack.
    /// </summary>
    public int MaxTemplateNesting { get; init; } = 32;

    /// <summary>Most filters in one tag or output, <c>{{ a | f | g }}</c> (default 50); Fluid applies a chain recursively.</summary>
    public int MaxTemplateFilters { get; init; } = 50;

    /// <summary>The defaults.</summary>
    public static DefinitionLimits Default { get; } = new();

    /// <summary>
    /// The most any configuration may allow: stores read definitions within these (so a node configured above the
    /// defaults can still load what it saved), and the catalogs then apply the configured limits.
    /// </summary>
    public static DefinitionLimits Ceiling { get; } = new()
    {
        MaxRuleDepth = 200, MaxRuleNodes = 100_000, MaxRuleTextLength = 4 * 1024 * 1024,
        MaxTriggerBytes = 16 * 1024 * 1024, MaxTriggerSteps = 10_000, MaxTriggerDepth = 200, MaxTemplateBytes = 16 * 1024 * 1024,
        MaxTemplateNesting = 200, MaxTemplateFilters = 500,
    };

    /// <summary>The first limit set outside 1..<see cref="Ceiling"/>, as a message; null when every limit is in range.</summary>
    public string? Invalid()
    {
        (string Name, int Value, int Max)[] all =
        [
            (nameof(MaxRuleDepth), MaxRuleDepth, Ceiling.MaxRuleDepth), (nameof(MaxRuleNodes), MaxRuleNodes, Ceiling.MaxRuleNodes),
            (nameof(MaxRuleTextLength), MaxRuleTextLength, Ceiling.MaxRuleTextLength), (nameof(MaxTriggerBytes), MaxTriggerBytes, Ceiling.MaxTriggerBytes),
            (nameof(MaxTriggerSteps), MaxTriggerSteps, Ceiling.MaxTriggerSteps), (nameof(MaxTriggerDepth), MaxTriggerDepth, Ceiling.MaxTriggerDepth),
            (nameof(MaxTemplateBytes), MaxTemplateBytes, Ceiling.MaxTemplateBytes),
            (nameof(MaxTemplateNesting), MaxTemplateNesting, Ceiling.MaxTemplateNesting), (nameof(MaxTemplateFilters), MaxTemplateFilters, Ceiling.MaxTemplateFilters),
        ];
        foreach (var (name, value, max) in all)
            if (value < 1 || value > max) return $"{name} must be between 1 and {max}, not {value}";
        return null;
    }
}
