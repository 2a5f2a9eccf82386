namespace Tailor.Client;

/// <summary>A route the client calls: the HTTP method and the path as the OpenAPI document writes it (<c>{id}</c> for parameters).</summary>
public sealed record ClientRoute(string Method, string Template)
{
    /// <summary>The path with each <c>{name}</c> replaced, in order, by an escaped value.</summary>
    public string Path(params string[] values)
    {
        var path = Template;
        foreach (var value in values)
        {
            var open = path.IndexOf('{', StringComparison.Ordinal);
            var close = path.IndexOf('}', open);
            path = string.Concat(path.AsSpan(0, open), Uri.EscapeDataString(value), path.AsSpan(close + 1));
        }
        return path;
    }
}
