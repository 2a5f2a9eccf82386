using System.Text.Json;
using Tailor.Core.Events;
using Tailor.Core.Limits;
using Tailor.Core.Segments.Rules;
using Tailor.Core.Segments.Text;

namespace Tailor.Core.Content;

/// <summary>
/// The JSON form of a block, as the API takes it and the store keeps it: conditions in the segment rule text form.
/// <code>
/// {"name": "offer",
///  "variants": [{"name": "vip", "condition": "in segment \"High-Value Customer\"", "body": "...", "localized": {"de": "..."}}],
///  "default": {"body": "...", "localized": {}},
///  "tree": {"if": "rule", "then": {"variant": "vip"}, "else": {"variant": "default"}}}
/// </code>
/// </summary>
/// <param name="Disabled">In answers only: why a stored block cannot be loaded (it then never renders); ignored in requests.</param>
public sealed record BlockDocument(string? Name, IReadOnlyList<VariantDocument>? Variants, BodyDocument? Default, DecisionDocument? Tree, string? Disabled = null)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };

    /// <summary>Checks and converts to a block; the error names the field and the rule it broke. Liquid bodies are checked by <see cref="LiquidEngine.CompileBlock"/>.</summary>
    public ValidationError? TryConvert(DateTimeOffset createdAt, DateTimeOffset updatedAt, out ContentBlock block, DefinitionLimits? limits = null)
    {
        limits ??= DefinitionLimits.Default;
        block = null!;
        if (ContentNames.Check("name", Name) is { } nameError) return nameError;
        if (Default?.Body is null) return new ValidationError("default.body", "is required: the default renders when no variant applies");
        var variants = new List<BlockVariant>();
        var names = new HashSet<string>(StringComparer.Ordinal) { ContentBlock.DefaultVariant };
        for (var i = 0; i < (Variants?.Count ?? 0); i++)
        {
            var v = Variants![i];
            if (string.IsNullOrWhiteSpace(v.Name)) return new ValidationError($"variants[{i}].name", "is required");
            if (!names.Add(v.Name)) return new ValidationError($"variants[{i}].name", $"must be unique and not \"{ContentBlock.DefaultVariant}\"");
            if (v.Body is null) return new ValidationError($"variants[{i}].body", "is required");
            Rule? condition = null;
            if (v.Condition is { Length: > 0 } text)
            {
                try { condition = RuleParser.Parse(text, limits); }
                catch (RuleSyntaxException e) { return new ValidationError($"variants[{i}].condition", e.Message); }
            }
            else if (Tree is null) return new ValidationError($"variants[{i}].condition", "is required unless the block has a decision tree");
            variants.Add(new BlockVariant(v.Name, condition, new BlockContent(v.Body, Localized(v.Localized))));
        }
        DecisionNode? tree = null;
        if (Tree is not null && Convert(Tree, "tree", names, limits, 1, out tree) is { } treeError) return treeError;
        block = new ContentBlock(Name!.Trim(), variants, new BlockContent(Default.Body, Localized(Default.Localized)), tree, createdAt, updatedAt);
        return null;
    }

    private static Dictionary<string, string> Localized(IReadOnlyDictionary<string, string>? localized) =>
        new(localized ?? new Dictionary<string, string>(), StringComparer.OrdinalIgnoreCase);

    private static ValidationError? Convert(DecisionDocument node, string field, HashSet<string> variants, DefinitionLimits limits, int depth, out DecisionNode result)
    {
        result = null!;
        // The tree is walked recursively (here and when a variant is chosen): its depth is bounded like a rule's.
        if (depth > limits.MaxRuleDepth) return new ValidationError(field, $"must be a decision tree at most {limits.MaxRuleDepth} levels deep (limit MaxRuleDepth)");
        if (node.Variant is { } leaf)
        {
            if (!variants.Contains(leaf)) return new ValidationError($"{field}.variant", $"must name a variant of the block or \"{ContentBlock.DefaultVariant}\"");
            result = DecisionNode.Leaf(leaf);
            return null;
        }
        if (node.If is not { Length: > 0 } text) return new ValidationError(field, "must have \"variant\" (a leaf) or \"if\" with \"then\" and \"else\"");
        Rule condition;
        try { condition = RuleParser.Parse(text, limits); }
        catch (RuleSyntaxException e) { return new ValidationError($"{field}.if", e.Message); }
        if (node.Then is null) return new ValidationError($"{field}.then", "is required");
        if (node.Else is null) return new ValidationError($"{field}.else", "is required");
        if (Convert(node.Then, $"{field}.then", variants, limits, depth + 1, out var then) is { } e1) return e1;
        if (Convert(node.Else, $"{field}.else", variants, limits, depth + 1, out var @else) is { } e2) return e2;
        result = DecisionNode.If(condition, then, @else);
        return null;
    }
}

public sealed record VariantDocument(string? Name, string? Condition, string? Body, IReadOnlyDictionary<string, string>? Localized);

public sealed record BodyDocument(string? Body, IReadOnlyDictionary<string, string>? Localized);

public sealed record DecisionDocument(string? If, DecisionDocument? Then, DecisionDocument? Else, string? Variant);

/// <summary>Names of templates, blocks and placements: what the API accepts.</summary>
public static class ContentNames
{
    public const int MaxLength = 128;

    public static ValidationError? Check(string field, string? name)
    {
        if (string.IsNullOrWhiteSpace(name)) return new ValidationError(field, "is required");
        if (name.Trim().Length > MaxLength) return new ValidationError(field, $"must be at most {MaxLength} characters");
        foreach (var c in name)
            if (char.IsControl(c) || c is '/' or '?' or '#' or '%') return new ValidationError(field, "must not contain control characters, '/', '?', '#' or '%'");
        return null;
    }
}
