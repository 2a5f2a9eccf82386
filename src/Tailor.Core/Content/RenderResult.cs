namespace Tailor.Core.Content;

/// <summary>What a render produced: the output, the blocks it chose, and (in strict mode) every variable the template read that had no value.</summary>
public sealed record RenderResult(string Output, IReadOnlyList<MissingVariable> Missing, IReadOnlyList<BlockChoice> Blocks);
