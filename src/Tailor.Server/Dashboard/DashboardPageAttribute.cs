namespace Tailor.Server.Dashboard;

/// <summary>
/// Marks a dashboard page (or endpoint) as needing a signed-in admin key, and the scope it needs
/// (<see cref="Application.Access.AdminScopes"/>); no scope means any valid key. <see cref="DashboardGuard"/> reads it
/// from the endpoint's metadata, as <see cref="Admin.AdminApiGuard"/> reads <see cref="Admin.ApiScopes"/> for the API.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class DashboardPageAttribute(string? scope = null) : Attribute
{
    /// <summary>The scope the page needs; null when any valid admin key may see it.</summary>
    public string? Scope { get; } = scope;
}
