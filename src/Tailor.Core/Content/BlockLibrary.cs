using System.Globalization;

namespace Tailor.Core.Content;

/// <summary>
/// The saved content a render may include, parsed once: blocks (<c>{% block "name" %}</c>) with every variant's Liquid,
/// and snippets (<c>{% render 'name' %}</c>, <c>{% include 'name' %}</c>: the stored templates, by name). Immutable;
/// rebuilt when content changes.
/// </summary>
public sealed class BlockLibrary
{
    private readonly Dictionary<string, CompiledBlock> _blocks;
    private readonly Dictionary<string, ParsedTemplate> _snippets;

    /// <param name="snippets">Templates that <c>render</c> and <c>include</c> find by name.</param>
    public BlockLibrary(IEnumerable<CompiledBlock> blocks, IEnumerable<KeyValuePair<string, ParsedTemplate>>? snippets = null)
    {
        _blocks = blocks.ToDictionary(b => b.Definition.Name, StringComparer.Ordinal);
        _snippets = snippets?.ToDictionary(s => s.Key, s => s.Value, StringComparer.Ordinal) ?? new Dictionary<string, ParsedTemplate>(StringComparer.Ordinal);
    }

    public static BlockLibrary Empty { get; } = new([]);

    public CompiledBlock? Find(string name) => _blocks.GetValueOrDefault(name);

    /// <summary>The snippet <c>render</c>/<c>include</c> of this name reads; null when there is none.</summary>
    public ParsedTemplate? FindSnippet(string name) => _snippets.GetValueOrDefault(name);

    public IReadOnlyCollection<CompiledBlock> All => _blocks.Values;
}

/// <summary>A block with its variants' Liquid parsed.</summary>
public sealed class CompiledBlock(ContentBlock definition, IReadOnlyDictionary<string, CompiledContent> variants, CompiledContent @default)
{
    public ContentBlock Definition { get; } = definition;
    public CompiledContent Default { get; } = @default;

    public CompiledContent ContentOf(BlockVariant? variant) => variant is null ? Default : variants[variant.Name];
}

/// <summary>One variant's parsed bodies: the main one and one per language.</summary>
public sealed class CompiledContent(ParsedTemplate body, IReadOnlyDictionary<string, ParsedTemplate> localized)
{
    /// <summary>The body for a culture: its exact name (<c>de-AT</c>), then its language (<c>de</c>), then the main body.</summary>
    public (ParsedTemplate Template, string? Language) For(CultureInfo culture)
    {
        if (localized.Count == 0) return (body, null);
        if (localized.TryGetValue(culture.Name, out var exact)) return (exact, culture.Name);
        if (localized.TryGetValue(culture.TwoLetterISOLanguageName, out var language)) return (language, culture.TwoLetterISOLanguageName);
        return (body, null);
    }
}
