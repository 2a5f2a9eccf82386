namespace Tailor.Core.Storage;

/// <summary>Someone who signs in to the dashboard with a name and a password.</summary>
/// <param name="Name">Unique, lower-case.</param>
/// <param name="Role">What they may do: <c>viewer</c>, <c>marketer</c> or <c>admin</c>, each a set of admin-key scopes (docs/dashboard.md).</param>
/// <param name="SessionStamp">Changes when the password changes or the user is disabled: a session signed in with another stamp has ended.</param>
public sealed record DashboardUser(string Id, string Name, string Role, DateTimeOffset CreatedAt, DateTimeOffset PasswordChangedAt, string SessionStamp,
    DateTimeOffset? DisabledAt = null);
