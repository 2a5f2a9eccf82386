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
