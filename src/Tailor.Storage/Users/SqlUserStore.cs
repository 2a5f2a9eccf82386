using System.Data.Common;
using Tailor.Core.Storage;
using Tailor.Storage.Relational;

namespace Tailor.Storage.Users;

/// <summary>Dashboard users: one row each, the name unique.</summary>
internal sealed class SqlUserStore(SqlDatabase db) : IUserStore
{
    private const string Columns = "id, name, role, created_at, password_changed_at, session_stamp, disabled_at";

    public Task<bool> CreateUserAsync(DashboardUser user, string passwordHash, CancellationToken cancellationToken) =>
        db.WriteAsync(async (c, t) => await Db.ExecuteAsync(c, t, $"""
            INSERT INTO dashboard_users ({Columns}, password_hash) VALUES (@id, @name, @role, @created, @changed, @stamp, @disabled, @hash)
            ON CONFLICT DO NOTHING
            """, cancellationToken, ("id", user.Id), ("name", user.Name), ("role", user.Role), ("created", Db.Ms(user.CreatedAt)),
            ("changed", Db.Ms(user.PasswordChangedAt)), ("stamp", user.SessionStamp), ("disabled", user.DisabledAt is { } d ? Db.Ms(d) : null), ("hash", passwordHash)) == 1,
            cancellationToken);

    public async Task<IReadOnlyList<DashboardUser>> ListUsersAsync(CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        return await Db.ListAsync(c, $"SELECT {Columns} FROM dashboard_users ORDER BY name", Read, cancellationToken);
    }

    public async Task<DashboardUser?> GetUserAsync(string id, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        var found = await Db.ListAsync(c, $"SELECT {Columns} FROM dashboard_users WHERE id = @id", Read, cancellationToken, ("id", id));
        return found.Count == 0 ? null : found[0];
    }

    public async Task<UserCredential?> FindCredentialAsync(string name, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        var found = await Db.ListAsync(c, $"SELECT {Columns}, password_hash FROM dashboard_users WHERE name = @name",
            r => new UserCredential(Read(r), r.GetString(7)), cancellationToken, ("name", name));
        return found.Count == 0 ? null : found[0];
    }

    public Task<bool> SetPasswordAsync(string id, string passwordHash, string sessionStamp, DateTimeOffset at, CancellationToken cancellationToken) =>
        db.WriteAsync(async (c, t) => await Db.ExecuteAsync(c, t,
            "UPDATE dashboard_users SET password_hash = @hash, session_stamp = @stamp, password_changed_at = @at WHERE id = @id", cancellationToken,
            ("hash", passwordHash), ("stamp", sessionStamp), ("at", Db.Ms(at)), ("id", id)) == 1, cancellationToken);

    public Task<bool> SetDisabledAsync(string id, DateTimeOffset? disabledAt, string sessionStamp, CancellationToken cancellationToken) =>
        db.WriteAsync(async (c, t) => await Db.ExecuteAsync(c, t, "UPDATE dashboard_users SET disabled_at = @at, session_stamp = @stamp WHERE id = @id", cancellationToken,
            ("at", disabledAt is { } d ? Db.Ms(d) : null), ("stamp", sessionStamp), ("id", id)) == 1, cancellationToken);

    public Task<bool> SetRoleAsync(string id, string role, CancellationToken cancellationToken) =>
        db.WriteAsync(async (c, t) =>
        {
            // SQLite has one writer, so the check below cannot race; PostgreSQL (several nodes, read committed) locks the
            // admins first, so a second demotion waits for the first and then counts what it left.
            if (db.Kind == "postgres")
                await Db.ExecuteAsync(c, t, "SELECT id FROM dashboard_users WHERE role = 'admin' AND disabled_at IS NULL ORDER BY id FOR UPDATE", cancellationToken);
            return await Db.ExecuteAsync(c, t, """
                UPDATE dashboard_users SET role = @role WHERE id = @id
                  AND (@role = 'admin' OR role <> 'admin' OR disabled_at IS NOT NULL
                       OR EXISTS (SELECT 1 FROM dashboard_users o WHERE o.id <> @id AND o.role = 'admin' AND o.disabled_at IS NULL))
                """, cancellationToken, ("role", role), ("id", id)) == 1;
        }, cancellationToken);

    public Task<bool> DeleteUserAsync(string id, CancellationToken cancellationToken) =>
        db.WriteAsync(async (c, t) => await Db.ExecuteAsync(c, t, "DELETE FROM dashboard_users WHERE id = @id", cancellationToken, ("id", id)) == 1, cancellationToken);

    private static DashboardUser Read(DbDataReader r) => new(r.GetString(0), r.GetString(1), r.GetString(2), ProfileColumns.FromMs(r.GetInt64(3)),
        ProfileColumns.FromMs(r.GetInt64(4)), r.GetString(5), r.IsDBNull(6) ? null : ProfileColumns.FromMs(r.GetInt64(6)));
}
