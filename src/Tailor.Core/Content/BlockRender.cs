namespace Tailor.Core.Content;

/// <summary>A rendered block with the variant chosen and why.</summary>
public sealed record BlockRender(string Output, BlockChoice Choice, IReadOnlyList<MissingVariable> Missing);
