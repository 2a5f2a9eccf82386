using Tailor.Core.Segments.Rules;

namespace Tailor.Core.Content;

/// <param name="Condition">The rule that selects this variant; null when a decision tree chooses instead.</param>
public sealed record BlockVariant(string Name, Rule? Condition, BlockContent Content);
