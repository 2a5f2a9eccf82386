using Tailor.Core.Segments.Evaluation;
using Tailor.Core.Segments.Text;

namespace Tailor.Core.Content;

/// <summary>Chooses a block's variant for one profile with the segment rule evaluator. Pure.</summary>
public static class BlockChooser
{
    /// <returns>The chosen variant (null for the default) and the reason.</returns>
    public static (BlockVariant? Variant, string Reason) Choose(ContentBlock block, ProfileFacts? facts, DateTimeOffset now)
    {
        if (facts is null) return (null, "no personalised data for this visitor, so the default renders");
        if (block.Tree is { } tree) return Walk(block, tree, facts, now);
        foreach (var variant in block.Variants)
        {
            if (variant.Condition is not { } condition) continue;
            if (RuleEvaluator.Evaluate(condition, facts, now).Matched)
                return (variant, $"matched {RulePrinter.Print(condition)}");
        }
        return (null, block.Variants.Count == 0 ? "the block has only a default" : "no variant's condition matched");
    }

    private static (BlockVariant?, string) Walk(ContentBlock block, DecisionNode node, ProfileFacts facts, DateTimeOffset now)
    {
        var path = new List<string>();
        while (!node.IsLeaf)
        {
            var holds = RuleEvaluator.Evaluate(node.Condition!, facts, now).Matched;
            path.Add($"{RulePrinter.Print(node.Condition!)}: {(holds ? "yes" : "no")}");
            node = (holds ? node.Then : node.Else)!;
        }
        var variant = block.Variants.FirstOrDefault(v => v.Name == node.Variant);
        return (variant, $"decision tree: {string.Join(" → ", path)}{(path.Count == 0 ? "" : " → ")}{node.Variant}");
    }
}
