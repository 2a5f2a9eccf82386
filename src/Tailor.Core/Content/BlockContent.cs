namespace Tailor.Core.Content;

/// <summary>Liquid for one variant: a body, and optional bodies per language (<c>de</c>, <c>de-AT</c>).</summary>
public sealed record BlockContent(string Body, IReadOnlyDictionary<string, string> Localized)
{
    public static BlockContent Of(string body) => new(body, new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase));
}
