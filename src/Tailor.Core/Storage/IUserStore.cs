namespace Tailor.Core.Storage;

/// <summary>
/// People who sign in to the dashboard with a name and a password (docs/dashboard.md). Only a hash of the password is
/// kept; each user has a session stamp that changes when the password changes or the user is disabled, which ends every
/// session signed in before.
/// </summary>
public interface IUserStore
{
    /// <summary>Stores a new user with <paramref name="passwordHash"/>; false when the name is taken.</summary>
    Task<bool> CreateUserAsync(DashboardUser user, string passwordHash, CancellationToken cancellationToken);

    /// <summary>Every user, by name.</summary>
    Task<IReadOnlyList<DashboardUser>> ListUsersAsync(CancellationToken cancellationToken);

    Task<DashboardUser?> GetUserAsync(string id, CancellationToken cancellationToken);

    /// <summary>The user named <paramref name="name"/> with the stored password hash, for checking a password against.</summary>
    Task<UserCredential?> FindCredentialAsync(string name, CancellationToken cancellationToken);

    /// <summary>Replaces the password hash and the session stamp; false when there is no such user.</summary>
    Task<bool> SetPasswordAsync(string id, string passwordHash, string sessionStamp, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Disables the user (<paramref name="disabledAt"/>) or enables them again (null), with a new session stamp; false when there is no such user.</summary>
    Task<bool> SetDisabledAsync(string id, DateTimeOffset? disabledAt, string sessionStamp, CancellationToken cancellationToken);

    /// <summary>
    /// Gives the user <paramref name="role"/>, keeping their session stamp (their sessions carry on with the new role's
    /// rights). False when there is no such user, or when they are an enabled <c>admin</c>, <paramref name="role"/> is
    /// not, and no other enabled admin would remain: the check and the change are one atomic step, so two admins
    /// demoting each other at once cannot leave none.
    /// </summary>
    Task<bool> SetRoleAsync(string id, string role, CancellationToken cancellationToken);

    /// <summary>Deletes the user; false when there is no such user.</summary>
    Task<bool> DeleteUserAsync(string id, CancellationToken cancellationToken);
}
