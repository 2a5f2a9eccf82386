namespace Tailor.Core.Content;

/// <summary>
/// What one render may cost, shared by the template and every block it includes (docs/content.md). Past any limit the
/// render stops with a <see cref="TemplateRenderException"/> naming the limit: a preview or a save shows it, a block
/// on <c>/v1/personalize</c> falls back to its default, a campaign or trigger email is not sent to that profile.
/// </summary>
public sealed record RenderBudget
{
    /// <summary>Liquid statements executed, counted across included blocks (default 200,000).</summary>
    public int MaxSteps { get; init; } = 200_000;

    /// <summary>Longest range <c>(a..b)</c>, checked before it is built (default 10,000 items).</summary>
    public int MaxRangeLength { get; init; } = 10_000;

    /// <summary>Largest output, in UTF-8 bytes, counting what included blocks write (default 1 MB).</summary>
    public int MaxOutputBytes { get; init; } = 1024 * 1024;

    /// <summary>Longest a render may run, measured on the engine's clock (default 2 seconds).</summary>
    public TimeSpan MaxDuration { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The defaults.</summary>
    public static RenderBudget Default { get; } = new();

    /// <summary>No limit at all, as Fluid renders out of the box (for benchmarks only).</summary>
    public static RenderBudget Unlimited { get; } = new()
    {
        MaxSteps = 0, MaxRangeLength = int.MaxValue, MaxOutputBytes = int.MaxValue, MaxDuration = TimeSpan.MaxValue,
    };

    /// <summary>The first limit out of range, as a message; null when the budget can be used.</summary>
    public string? Invalid() =>
        MaxSteps < 0 ? $"MaxSteps must be 0 (no limit) or more, not {MaxSteps}"
        : MaxRangeLength < 0 ? $"MaxRangeLength must be 0 or more, not {MaxRangeLength}"
        : MaxOutputBytes < 0 ? $"MaxOutputBytes must be 0 or more, not {MaxOutputBytes}"
        : MaxDuration < TimeSpan.Zero ? $"MaxDuration must not be negative, not {MaxDuration}"
        : null;
}
