namespace Tailor.Core.Content;

/// <summary>Which variant of a block rendered and why, in words a marketer can read.</summary>
/// <param name="Variant">The variant's name, or <c>default</c>.</param>
/// <param name="Language">The language whose body rendered, or null for the variant's main body.</param>
public sealed record BlockChoice(string Block, string Variant, string Reason, string? Language = null);
