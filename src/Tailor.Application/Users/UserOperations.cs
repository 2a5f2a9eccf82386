using Tailor.Application.Privacy;
using Tailor.Core.Storage;

namespace Tailor.Application.Users;

/// <summary>
/// Dashboard users, once for the HTTP API (<c>/api/users</c>), the CLI (<c>tailor users</c>) and the sign-in form:
/// add, list, change a password, disable or enable, remove, and check a name and password. Only a hash of a password
/// is stored (<see cref="PasswordHashes"/>); nothing here returns or logs a password or a hash. Changing the password,
/// disabling or removing a user ends their sessions (a new session stamp, or no user at all); a new role keeps them,
/// with the new role's rights from the next request. Callers that cache users forget them after a change.
/// </summary>
public sealed class UserOperations(IUserStore store, IdSource ids, TimeProvider time, AuditTrail audit)
{
    public const int MaxNameLength = 64;
    public const int MinPasswordLength = 12;

    /// <summary>The longest password taken: hashing is slow on purpose, so its input is bounded.</summary>
    public const int MaxPasswordLength = 128;

    /// <summary>What an unknown name is checked against, so that it takes as long as a wrong password and does not tell which names exist.</summary>
    private static readonly Lazy<string> Decoy = new(() => PasswordHashes.Hash(Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16))));

    public async Task<OperationResult<DashboardUser>> AddAsync(string? name, string? password, string? role, CancellationToken ct)
    {
        if (CheckName(name) is { } badName) return badName;
        var normalized = Normalize(name!);
        if (CheckPassword(password, normalized) is { } badPassword) return badPassword;
        if (role is null || !UserRoles.All.Contains(role)) return OperationProblem.Invalid("role", $"must be one of {string.Join(", ", UserRoles.All)}");
        var now = time.GetUtcNow();
        var user = new DashboardUser(ids.New("usr"), normalized, role, Stored(now), Stored(now), NewStamp());
        if (!await store.CreateUserAsync(user, PasswordHashes.Hash(password!), ct)) return OperationProblem.Invalid("name", "must be unique: a user with this name exists already");
        return user;
    }

    public Task<IReadOnlyList<DashboardUser>> ListAsync(CancellationToken ct) => store.ListUsersAsync(ct);

    /// <summary>A user by id (<c>usr_…</c>) or name, or null.</summary>
    public async Task<DashboardUser?> FindAsync(string idOrName, CancellationToken ct) =>
        idOrName.StartsWith("usr_", StringComparison.Ordinal) && await store.GetUserAsync(idOrName, ct) is { } byId ? byId
        : idOrName.Length <= MaxNameLength && await store.FindCredentialAsync(Normalize(idOrName), ct) is { } byName ? byName.User : null;

    /// <summary>A new password for a user (by id or name); every session they had ends.</summary>
    public async Task<OperationResult<DashboardUser>> SetPasswordAsync(string idOrName, string? password, CancellationToken ct)
    {
        if (await FindAsync(idOrName, ct) is not { } user) return NoUser(idOrName);
        if (CheckPassword(password, user.Name) is { } bad) return bad;
        var at = Stored(time.GetUtcNow());
        var stamp = NewStamp();
        if (!await store.SetPasswordAsync(user.Id, PasswordHashes.Hash(password!), stamp, at, ct)) return NoUser(idOrName);
        return user with { PasswordChangedAt = at, SessionStamp = stamp };
    }

    /// <summary>Disables a user (by id or name), ending their sessions and refusing their sign-ins, or enables them again.</summary>
    public async Task<OperationResult<DashboardUser>> SetDisabledAsync(string idOrName, bool disabled, CancellationToken ct)
    {
        if (await FindAsync(idOrName, ct) is not { } user) return NoUser(idOrName);
        DateTimeOffset? at = disabled ? user.DisabledAt ?? Stored(time.GetUtcNow()) : null;
        var stamp = NewStamp();
        if (!await store.SetDisabledAsync(user.Id, at, stamp, ct)) return NoUser(idOrName);
        return user with { DisabledAt = at, SessionStamp = stamp };
    }

    /// <summary>
    /// Gives a user (by id or name) another role. Their sessions carry on with the new role's rights from their next
    /// request (a session reads its user again on every request), so a demotion takes rights away at once. Refused
    /// when it would leave no enabled admin user. Recorded in the audit trail as <c>user role FROM → TO</c> by
    /// <paramref name="actor"/>, with the user's id as the target.
    /// </summary>
    public async Task<OperationResult<DashboardUser>> SetRoleAsync(string idOrName, string? role, AuditActor actor, CancellationToken ct)
    {
        if (role is null || !UserRoles.All.Contains(role)) return OperationProblem.Invalid("role", $"must be one of {string.Join(", ", UserRoles.All)}");
        if (await FindAsync(idOrName, ct) is not { } user) return NoUser(idOrName);
        if (user.Role == role) return user;
        if (!await store.SetRoleAsync(user.Id, role, ct))
        {
            if (await store.GetUserAsync(user.Id, ct) is null) return NoUser(idOrName);
            return OperationProblem.Conflict("role",
                $"cannot demote the last admin: '{user.Name}' is the only enabled admin user, and at least one must remain (make another user admin first)");
        }
        await audit.RecordAsync(actor.Id, actor.Name, $"user role {user.Role} → {role}", user.Id, 200, actor.Origin, ct);
        return user with { Role = role };
    }

    /// <summary>Removes a user (by id or name); their sessions end.</summary>
    public async Task<OperationResult<DashboardUser>> RemoveAsync(string idOrName, CancellationToken ct)
    {
        if (await FindAsync(idOrName, ct) is not { } user || !await store.DeleteUserAsync(user.Id, ct)) return NoUser(idOrName);
        return user;
    }

    /// <summary>
    /// The user when <paramref name="password"/> is theirs and they are not disabled; null otherwise (an unknown name
    /// takes as long as a wrong password). A hash made with fewer rounds than today's is replaced, sessions kept.
    /// </summary>
    public async Task<DashboardUser?> VerifyAsync(string? name, string? password, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(name) || name.Length > MaxNameLength || string.IsNullOrEmpty(password) || password.Length > MaxPasswordLength) return null;
        var found = await store.FindCredentialAsync(Normalize(name), ct);
        if (!PasswordHashes.Verify(password, found?.PasswordHash ?? Decoy.Value) || found is null) return null;
        var user = found.User;
        if (user.DisabledAt is not null) return null;
        if (PasswordHashes.NeedsRehash(found.PasswordHash))
            await store.SetPasswordAsync(user.Id, PasswordHashes.Hash(password), user.SessionStamp, user.PasswordChangedAt, ct);
        return user;
    }

    /// <summary>Names are kept lower-case, so <c>Ann</c> and <c>ann</c> are one user.</summary>
    public static string Normalize(string name) => name.Trim().ToLowerInvariant();

    private static OperationProblem? CheckName(string? name)
    {
        if (string.IsNullOrWhiteSpace(name)) return OperationProblem.Invalid("name", "is required");
        var normalized = Normalize(name);
        if (normalized.Length > MaxNameLength || normalized.Any(c => c is not ((>= 'a' and <= 'z') or (>= '0' and <= '9') or '.' or '_' or '-' or '@')))
            return OperationProblem.Invalid("name", $"must be 1 to {MaxNameLength} letters, digits, '.', '_', '-' or '@'");
        return null;
    }

    private static OperationProblem? CheckPassword(string? password, string name)
    {
        if (string.IsNullOrEmpty(password) || password.Length < MinPasswordLength || password.Length > MaxPasswordLength)
            return OperationProblem.Invalid("password", $"must be {MinPasswordLength} to {MaxPasswordLength} characters");
        if (name.Length >= 4 && password.Contains(name, StringComparison.OrdinalIgnoreCase)) return OperationProblem.Invalid("password", "must not contain the user's name");
        return null;
    }

    private static string NewStamp() => Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));

    /// <summary>Times as the store keeps them (to the millisecond), so what is returned equals what is read back.</summary>
    private static DateTimeOffset Stored(DateTimeOffset at) => DateTimeOffset.FromUnixTimeMilliseconds(at.ToUnixTimeMilliseconds());

    private static OperationProblem NoUser(string idOrName) => OperationProblem.NotFound("user", $"no user '{(idOrName.Length <= 64 ? idOrName : idOrName[..64] + "…")}'");
}
