using Tailor.Application.Access;

namespace Tailor.Server.Admin;

/// <summary>
/// Which scope each area of the admin API needs (docs/security.md), by the first path segment after <c>/api</c>. An
/// area not listed here needs <see cref="AdminScopes.Admin"/>, so a new route is closed until it is given a scope.
/// </summary>
public static class ApiScopes
{
    private static readonly Dictionary<string, string> ByArea = new(StringComparer.OrdinalIgnoreCase)
    {
        ["segments"] = AdminScopes.Segments,
        ["segment-values"] = AdminScopes.Segments,
        ["triggers"] = AdminScopes.Triggers,
        ["templates"] = AdminScopes.Content,
        ["blocks"] = AdminScopes.Content,
        ["placements"] = AdminScopes.Content,
        ["campaigns"] = AdminScopes.Send,
        ["analytics"] = AdminScopes.Analytics,
        ["experiments"] = AdminScopes.Analytics,
        ["recommendations"] = AdminScopes.Analytics,
        ["audit"] = AdminScopes.Privacy,
        ["privacy"] = AdminScopes.Privacy,
    };

    /// <summary>The scope a request to <paramref name="path"/> (under <c>/api</c>) with <paramref name="method"/> needs.</summary>
    public static string Required(PathString path, string method)
    {
        var rest = path.Value.AsSpan("/api".Length).TrimStart('/');
        var slash = rest.IndexOf('/');
        var area = (slash < 0 ? rest : rest[..slash]).ToString();
        // Reading profiles is its own scope; changing them (merges undone, tags) stays with admin.
        if (area.Equals("profiles", StringComparison.OrdinalIgnoreCase))
            return HttpMethods.IsGet(method) || HttpMethods.IsHead(method) ? AdminScopes.ProfilesRead : AdminScopes.Admin;
        return ByArea.GetValueOrDefault(area, AdminScopes.Admin);
    }
}
