using System.Collections.Concurrent;
using System.Text;
using Fluid;

namespace Tailor.Core.Content;

/// <summary>
/// Where <c>{% include 'name' %}</c> and <c>{% render 'name' %}</c> find their snippet: the render's
/// <see cref="BlockLibrary"/> (stored templates, by name), never a file. Fluid asks for a source, then for a cached
/// parse of it; the parse handed back is the one made when the snippet was saved — under Tailor's size and nesting
/// limits, with the budget checks in its loops — so a render never parses. A name the library does not hold is a
/// render error, as in Shopify's Liquid.
/// </summary>
internal sealed class SnippetResolver : ITemplateFileProvider, ITemplateCache
{
    /// <summary>Where a render keeps the library its snippets come from, in the template context.</summary>
    public const string LibraryKey = "tailor.snippets";

    /// <summary>Parses handed to Fluid by key; a cache only (a miss makes Fluid parse the source), cleared when it grows.</summary>
    private readonly ConcurrentDictionary<string, IFluidTemplate> _parsed = new(StringComparer.Ordinal);
    private const int MaxCached = 4096;

    public ValueTask<TemplateSourceInfo> GetFileInfoAsync(string path, TemplateContext context, CancellationToken cancellationToken)
    {
        var library = context.AmbientValues.TryGetValue(LibraryKey, out var l) ? l as BlockLibrary : null;
        if (library?.FindSnippet(path) is not { } snippet) throw new SnippetNotFoundException(path);
        var key = snippet.Key;
        if (!_parsed.ContainsKey(key))
        {
            if (_parsed.Count >= MaxCached) _parsed.Clear();
            _parsed[key] = snippet.Fluid;
        }
        var source = snippet.Source;
        return new ValueTask<TemplateSourceInfo>(new TemplateSourceInfo(DateTimeOffset.UnixEpoch,
            _ => new ValueTask<Stream>(new MemoryStream(Encoding.UTF8.GetBytes(source), writable: false)), key));
    }

    public bool TryGetTemplate(string key, DateTimeOffset lastModified, out IFluidTemplate template) => _parsed.TryGetValue(key, out template!);

    /// <summary>Fluid stores what it parsed after a miss (the source is one Tailor already accepted).</summary>
    public void SetTemplate(string key, DateTimeOffset lastModified, IFluidTemplate template)
    {
        if (_parsed.Count >= MaxCached) _parsed.Clear();
        _parsed[key] = template;
    }
}
