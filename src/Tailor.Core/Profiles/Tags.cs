namespace Tailor.Core.Profiles;

/// <summary>Hierarchical tags: <c>loyal/high-value</c> is a kind of <c>loyal</c>.</summary>
public static class Tags
{
    public const char Separator = '/';

    /// <summary>Trims each level and drops empty ones, so <c>" loyal//vip "</c> becomes <c>loyal/vip</c>.</summary>
    public static string? Normalize(string tag)
    {
        var levels = tag.Split(Separator, StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        return levels.Length == 0 ? null : string.Join(Separator, levels);
    }

    /// <summary>True when <paramref name="tag"/> is <paramref name="query"/> or lies beneath it.</summary>
    public static bool Matches(string tag, string query) =>
        tag.Length == query.Length
            ? string.Equals(tag, query, StringComparison.Ordinal)
            : tag.Length > query.Length && tag[query.Length] == Separator && tag.StartsWith(query, StringComparison.Ordinal);

    public static bool HasTag(IEnumerable<string> tags, string query)
    {
        foreach (var tag in tags)
            if (Matches(tag, query)) return true;
        return false;
    }
}
