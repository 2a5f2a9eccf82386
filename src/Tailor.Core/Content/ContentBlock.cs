using Tailor.Core.Segments.Rules;

namespace Tailor.Core.Content;

/// <summary>
/// A reusable piece of content chosen per profile: ordered variants, each with a condition in the segment rule
/// language (the first that matches wins), or a decision tree over conditions; the default renders when nothing
/// matches, when there is no profile data or consent, and when the chosen variant's data is missing.
/// </summary>
public sealed record ContentBlock(string Name, IReadOnlyList<BlockVariant> Variants, BlockContent Default, DecisionNode? Tree,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    /// <summary>What a decision tree leaf names to choose the default.</summary>
    public const string DefaultVariant = "default";
}

/// <param name="Condition">The rule that selects this variant; null when a decision tree chooses instead.</param>
public sealed record BlockVariant(string Name, Rule? Condition, BlockContent Content);

/// <summary>Liquid for one variant: a body, and optional bodies per language (<c>de</c>, <c>de-AT</c>).</summary>
public sealed record BlockContent(string Body, IReadOnlyDictionary<string, string> Localized)
{
    public static BlockContent Of(string body) => new(body, new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase));
}

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
