using Tailor.Application.Access;

namespace Tailor.Server.Dashboard;

/// <summary>The dashboard's sections in navigation order, each with the scope its pages need; a key sees only those it may open.</summary>
public static class DashboardNavigation
{
    public sealed record Section(string Href, string Label, string Scope);

    public static readonly IReadOnlyList<Section> Sections =
    [
        new("/profiles", "Profiles", AdminScopes.ProfilesRead),
        new("/segments", "Segments", AdminScopes.Segments),
        new("/journeys", "Journeys", AdminScopes.Triggers),
        new("/content", "Content", AdminScopes.Content),
        new("/campaigns", "Campaigns", AdminScopes.Send),
        new("/experiments", "Experiments", AdminScopes.Analytics),
        new("/analytics", "Analytics", AdminScopes.Analytics),
        new("/operations", "Operations", AdminScopes.Admin),
        new("/users", "Users", AdminScopes.Admin),
    ];

    /// <summary>The sections a key with <paramref name="scopes"/> may open.</summary>
    public static IEnumerable<Section> For(string scopes) => Sections.Where(s => AdminScopes.Allows(scopes, s.Scope));
}
