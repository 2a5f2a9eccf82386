namespace Tailor.Core.Storage;

/// <summary>Sources with their write keys, admin keys, and import checkpoints.</summary>
public interface IAccessStore
{
    /// <summary>Stores a new source (its id and creation time made by the caller); returns it as stored (times to the millisecond).</summary>
    Task<Source> CreateSourceAsync(Source source, CancellationToken cancellationToken);

    Task<IReadOnlyList<Source>> ListSourcesAsync(CancellationToken cancellationToken);

    /// <summary>The source whose current write key this is (revoked ones too: <see cref="Source.RevokedAt"/> says so).</summary>
    Task<Source?> FindSourceByWriteKeyAsync(string writeKey, CancellationToken cancellationToken);

    /// <summary>The source a write key belongs to, current or rotated out (then with the end of its grace period).</summary>
    Task<WriteKeyMatch?> FindWriteKeyAsync(string writeKey, CancellationToken cancellationToken);

    /// <summary>
    /// Gives the source <paramref name="newWriteKey"/>; its old key keeps working until <paramref name="oldKeyValidUntil"/>
    /// (not at all if the source was revoked, which rotation lifts). Null when there is no such source.
    /// </summary>
    Task<Source?> RotateWriteKeyAsync(string sourceId, string newWriteKey, DateTimeOffset oldKeyValidUntil, CancellationToken cancellationToken);

    /// <summary>Revokes every write key of the source, rotated-out ones included; false when there is no such source.</summary>
    Task<bool> RevokeSourceAsync(string sourceId, DateTimeOffset at, CancellationToken cancellationToken);

    Task<Source?> FindSourceByNameAsync(string name, CancellationToken cancellationToken);

    /// <summary>
    /// Stores a new admin key (its id and creation time made by the caller) with only the key's SHA-256 hash: the key
    /// itself is shown once, at creation. Returns it as stored (times to the millisecond).
    /// </summary>
    Task<AdminKey> CreateAdminKeyAsync(AdminKey key, string keyHash, CancellationToken cancellationToken);

    Task<AdminKey?> FindAdminKeyAsync(string keyHash, CancellationToken cancellationToken);

    Task<IReadOnlyList<AdminKey>> ListAdminKeysAsync(CancellationToken cancellationToken);

    /// <summary>
    /// A new admin key <paramref name="newKeyId"/> (same name, hash <paramref name="newKeyHash"/>, created <paramref name="at"/>)
    /// in place of <paramref name="id"/>, which keeps working until <paramref name="oldKeyValidUntil"/>. Null when there is
    /// no such key or it is revoked.
    /// </summary>
    Task<AdminKey?> RotateAdminKeyAsync(string id, string newKeyId, string newKeyHash, DateTimeOffset at, DateTimeOffset oldKeyValidUntil, CancellationToken cancellationToken);

    /// <summary>Revokes an admin key; false when there is no such key.</summary>
    Task<bool> RevokeAdminKeyAsync(string id, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>How far an import of the file identified by <paramref name="fileKey"/> got, or null if never started.</summary>
    Task<ImportCheckpoint?> GetImportCheckpointAsync(string fileKey, CancellationToken cancellationToken);

    Task SaveImportCheckpointAsync(ImportCheckpoint checkpoint, CancellationToken cancellationToken);
}

/// <param name="RevokedAt">When its write keys were revoked; a revoked source cannot send until its key is rotated.</param>
public sealed record Source(string Id, string Name, string WriteKey, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt = null);

/// <param name="ExpiresAt">For a rotated key: when its grace period ends.</param>
public sealed record WriteKeyMatch(Source Source, DateTimeOffset? ExpiresAt);

/// <param name="ExpiresAt">For a rotated key: when its grace period ends.</param>
public sealed record AdminKey(string Id, string Name, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt = null, DateTimeOffset? RevokedAt = null);

/// <param name="FileKey">Identifies the file by content (hash of its first bytes and its length), not by path.</param>
/// <param name="LinesDone">Lines of the file fully handled (accepted or rejected).</param>
public sealed record ImportCheckpoint(string FileKey, string Path, long LinesDone, long Accepted, long Rejected, DateTimeOffset UpdatedAt);
