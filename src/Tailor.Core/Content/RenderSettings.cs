namespace Tailor.Core.Content;

/// <summary>How to render: strict previews, the blocks templates may include, a locale or currency to force.</summary>
public sealed record RenderSettings(bool Strict = false, BlockLibrary? Blocks = null, string? Locale = null, string? Currency = null)
{
    public static RenderSettings Default { get; } = new();
}
