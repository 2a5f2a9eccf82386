using Tailor.Application.Access;

namespace Tailor.Application.Users;

/// <summary>
/// What a dashboard user may do: each role is a fixed set of admin-key scopes (<see cref="AdminScopes"/>), so a user's
/// pages, links and 403s follow exactly the rules a key with those scopes follows (docs/dashboard.md).
/// </summary>
public static class UserRoles
{
    /// <summary>Looks at profiles and at analytics and experiment results.</summary>
    public const string Viewer = "viewer";

    /// <summary>Works with profiles, segments, journeys, content, campaigns and analytics; not privacy or administration.</summary>
    public const string Marketer = "marketer";

    /// <summary>Everything, as an <c>admin</c> key.</summary>
    public const string Admin = "admin";

    public static readonly IReadOnlyList<string> All = [Viewer, Marketer, Admin];

    /// <summary>The scopes of <paramref name="role"/>, space-separated as a key's; empty (nothing allowed) for a role this version does not know.</summary>
    public static string Scopes(string role) => role switch
    {
        Viewer => $"{AdminScopes.ProfilesRead} {AdminScopes.Analytics}",
        Marketer => string.Join(' ', AdminScopes.ProfilesRead, AdminScopes.Segments, AdminScopes.Triggers, AdminScopes.Content, AdminScopes.Send, AdminScopes.Analytics),
        Admin => AdminScopes.Admin,
        _ => "",
    };
}
