using System.Data.Common;
using Tailor.Core.Storage;
using Tailor.Storage.Relational;

namespace Tailor.Storage.Access;

/// <summary>Sources and their write keys, admin keys, and import checkpoints.</summary>
internal sealed class SqlAccessStore(SqlDatabase db) : IAccessStore
{
    public async Task<Source> CreateSourceAsync(Source source, CancellationToken cancellationToken)
    {
        source = source with { CreatedAt = Stored(source.CreatedAt), RevokedAt = null };
        await db.WriteAsync((c, t) => Db.ExecuteAsync(c, t, "INSERT INTO sources (id, name, write_key, created_at) VALUES (@id, @name, @key, @at)", cancellationToken,
            ("id", source.Id), ("name", source.Name), ("key", source.WriteKey), ("at", Db.Ms(source.CreatedAt))), cancellationToken);
        return source;
    }

    public async Task<IReadOnlyList<Source>> ListSourcesAsync(CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        return await Db.ListAsync(c, "SELECT id, name, write_key, created_at, revoked_at FROM sources ORDER BY created_at, name", ReadSource, cancellationToken);
    }

    public Task<Source?> FindSourceByWriteKeyAsync(string writeKey, CancellationToken cancellationToken) =>
        FindSourceAsync("write_key", writeKey, cancellationToken);

    public Task<Source?> FindSourceByNameAsync(string name, CancellationToken cancellationToken) =>
        FindSourceAsync("name", name, cancellationToken);

    private async Task<Source?> FindSourceAsync(string column, string value, CancellationToken ct)
    {
        await using var c = await db.OpenReadAsync(ct);
        var list = await Db.ListAsync(c, $"SELECT id, name, write_key, created_at, revoked_at FROM sources WHERE {column} = @value", ReadSource, ct, ("value", value));
        return list.Count == 0 ? null : list[0];
    }

    public async Task<WriteKeyMatch?> FindWriteKeyAsync(string writeKey, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        var list = await Db.ListAsync(c, """
            SELECT id, name, write_key, created_at, revoked_at, NULL FROM sources WHERE write_key = @key
            UNION ALL
            SELECT s.id, s.name, s.write_key, s.created_at, s.revoked_at, r.expires_at FROM retired_write_keys r JOIN sources s ON s.id = r.source_id
            WHERE r.write_key = @key
            """, r => new WriteKeyMatch(ReadSource(r), r.IsDBNull(5) ? null : ProfileColumns.FromMs(r.GetInt64(5))), cancellationToken, ("key", writeKey));
        return list.Count == 0 ? null : list[0];
    }

    public Task<Source?> RotateWriteKeyAsync(string sourceId, string newWriteKey, DateTimeOffset oldKeyValidUntil, CancellationToken cancellationToken) =>
        db.WriteAsync(async (c, t) =>
        {
            var found = await Db.ListAsync(c, t, "SELECT id, name, write_key, created_at, revoked_at FROM sources WHERE id = @id", ReadSource, cancellationToken, ("id", sourceId));
            if (found.Count == 0) return null;
            var old = found[0];
            if (old.RevokedAt is null)
                await Db.ExecuteAsync(c, t, "INSERT INTO retired_write_keys (write_key, source_id, expires_at) VALUES (@key, @id, @until)", cancellationToken,
                    ("key", old.WriteKey), ("id", sourceId), ("until", Db.Ms(oldKeyValidUntil)));
            await Db.ExecuteAsync(c, t, "UPDATE sources SET write_key = @key, revoked_at = NULL WHERE id = @id", cancellationToken, ("key", newWriteKey), ("id", sourceId));
            return (Source?)(old with { WriteKey = newWriteKey, RevokedAt = null });
        }, cancellationToken);

    public Task<bool> RevokeSourceAsync(string sourceId, DateTimeOffset at, CancellationToken cancellationToken) =>
        db.WriteAsync(async (c, t) =>
        {
            await Db.ExecuteAsync(c, t, "DELETE FROM retired_write_keys WHERE source_id = @id", cancellationToken, ("id", sourceId));
            return await Db.ExecuteAsync(c, t, "UPDATE sources SET revoked_at = @at WHERE id = @id AND revoked_at IS NULL", cancellationToken,
                ("id", sourceId), ("at", Db.Ms(at))) > 0
                || await Db.ScalarAsync(c, t, "SELECT 1 FROM sources WHERE id = @id", cancellationToken, ("id", sourceId)) is not null;
        }, cancellationToken);

    /// <summary>A time at the millisecond precision the store keeps, so a created record equals the one read back.</summary>
    private static DateTimeOffset Stored(DateTimeOffset time) => ProfileColumns.FromMs(Db.Ms(time));

    private static Source ReadSource(DbDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), ProfileColumns.FromMs(r.GetInt64(3)), r.IsDBNull(4) ? null : ProfileColumns.FromMs(r.GetInt64(4)));

    public async Task<AdminKey> CreateAdminKeyAsync(AdminKey key, string credential, CancellationToken cancellationToken)
    {
        key = key with { CreatedAt = Stored(key.CreatedAt), ExpiresAt = key.ExpiresAt is { } expires ? Stored(expires) : null, RevokedAt = null };
        await db.WriteAsync((c, t) => InsertAdminKeyAsync(c, t, key, credential, cancellationToken), cancellationToken);
        return key;
    }

    private static Task<int> InsertAdminKeyAsync(DbConnection c, DbTransaction t, AdminKey key, string credential, CancellationToken ct) =>
        Db.ExecuteAsync(c, t, "INSERT INTO admin_keys (id, name, key_hash, created_at, expires_at, scopes) VALUES (@id, @name, @hash, @at, @expires, @scopes)", ct,
            ("id", key.Id), ("name", key.Name), ("hash", credential), ("at", Db.Ms(key.CreatedAt)), ("expires", key.ExpiresAt is { } e ? Db.Ms(e) : (long?)null),
            ("scopes", key.Scopes));

    public async Task<IReadOnlyList<AdminKeyCredential>> AdminKeyCredentialsAsync(CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        return await Db.ListAsync(c, $"SELECT {AdminKeyColumns}, key_hash FROM admin_keys", r => new AdminKeyCredential(ReadAdminKey(r), r.GetString(6)), cancellationToken);
    }

    public async Task<IReadOnlyList<AdminKey>> ListAdminKeysAsync(CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        return await Db.ListAsync(c, $"SELECT {AdminKeyColumns} FROM admin_keys ORDER BY created_at", ReadAdminKey, cancellationToken);
    }

    public Task<AdminKey?> RotateAdminKeyAsync(string id, string newKeyId, string newCredential, DateTimeOffset at, DateTimeOffset oldKeyValidUntil, CancellationToken cancellationToken) =>
        db.WriteAsync(async (c, t) =>
        {
            var found = await Db.ListAsync(c, t, $"SELECT {AdminKeyColumns} FROM admin_keys WHERE id = @id AND revoked_at IS NULL", ReadAdminKey, cancellationToken, ("id", id));
            if (found.Count == 0) return null;
            // A key already in its grace period keeps the earlier end.
            var until = found[0].ExpiresAt is { } earlier && earlier < oldKeyValidUntil ? earlier : oldKeyValidUntil;
            await Db.ExecuteAsync(c, t, "UPDATE admin_keys SET expires_at = @until WHERE id = @id", cancellationToken, ("id", id), ("until", Db.Ms(until)));
            var key = new AdminKey(newKeyId, found[0].Name, Stored(at), Scopes: found[0].Scopes);
            await InsertAdminKeyAsync(c, t, key, newCredential, cancellationToken);
            return (AdminKey?)key;
        }, cancellationToken);

    public Task<bool> RevokeAdminKeyAsync(string id, DateTimeOffset at, CancellationToken cancellationToken) =>
        db.WriteAsync(async (c, t) =>
            await Db.ExecuteAsync(c, t, "UPDATE admin_keys SET revoked_at = @at WHERE id = @id AND revoked_at IS NULL", cancellationToken, ("id", id), ("at", Db.Ms(at))) > 0
            || await Db.ScalarAsync(c, t, "SELECT 1 FROM admin_keys WHERE id = @id", cancellationToken, ("id", id)) is not null, cancellationToken);

    private const string AdminKeyColumns = "id, name, created_at, expires_at, revoked_at, scopes";

    private static AdminKey ReadAdminKey(DbDataReader r) => new(r.GetString(0), r.GetString(1), ProfileColumns.FromMs(r.GetInt64(2)),
        r.IsDBNull(3) ? null : ProfileColumns.FromMs(r.GetInt64(3)), r.IsDBNull(4) ? null : ProfileColumns.FromMs(r.GetInt64(4)), r.GetString(5));

    public async Task<ImportCheckpoint?> GetImportCheckpointAsync(string fileKey, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        var list = await Db.ListAsync(c, "SELECT file_key, path, lines_done, accepted, rejected, updated_at FROM imports WHERE file_key = @key",
            r => new ImportCheckpoint(r.GetString(0), r.GetString(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4), ProfileColumns.FromMs(r.GetInt64(5))),
            cancellationToken, ("key", fileKey));
        return list.Count == 0 ? null : list[0];
    }

    public Task SaveImportCheckpointAsync(ImportCheckpoint checkpoint, CancellationToken cancellationToken) =>
        db.WriteAsync((c, t) => Db.ExecuteAsync(c, t, """
            INSERT INTO imports (file_key, path, lines_done, accepted, rejected, updated_at) VALUES (@key, @path, @lines, @accepted, @rejected, @at)
            ON CONFLICT (file_key) DO UPDATE SET path = excluded.path, lines_done = excluded.lines_done,
                accepted = excluded.accepted, rejected = excluded.rejected, updated_at = excluded.updated_at
            """, cancellationToken, ("key", checkpoint.FileKey), ("path", checkpoint.Path), ("lines", checkpoint.LinesDone),
            ("accepted", checkpoint.Accepted), ("rejected", checkpoint.Rejected), ("at", Db.Ms(checkpoint.UpdatedAt))), cancellationToken);
}
