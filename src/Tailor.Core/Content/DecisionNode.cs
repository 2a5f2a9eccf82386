using Tailor.Core.Segments.Rules;

namespace Tailor.Core.Content;

/// <summary>
/// A decision tree node: either a leaf naming a variant (or <see cref="ContentBlock.DefaultVariant"/>), or a
/// condition with the subtree for when it holds and the one for when it does not.
/// </summary>
public sealed record DecisionNode(Rule? Condition, DecisionNode? Then, DecisionNode? Else, string? Variant)
{
    public static DecisionNode Leaf(string variant) => new(null, null, null, variant);

    public static DecisionNode If(Rule condition, DecisionNode then, DecisionNode @else) => new(condition, then, @else, null);

    public bool IsLeaf => Variant is not null;
}
