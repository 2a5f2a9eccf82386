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
    /// Stores a new admin key (its id, creation time, scopes and expiry made by the caller) with only a credential
    /// derived from the key (a salted hash): the key itself is shown once, at creation. Returns it as stored (times to
    /// the millisecond). Credentials are unique.
    /// </summary>
    Task<AdminKey> CreateAdminKeyAsync(AdminKey key, string credential, CancellationToken cancellationToken);

    /// <summary>Every admin key (revoked ones too) with its stored credential, for checking a presented key against.</summary>
    Task<IReadOnlyList<AdminKeyCredential>> AdminKeyCredentialsAsync(CancellationToken cancellationToken);

    Task<IReadOnlyList<AdminKey>> ListAdminKeysAsync(CancellationToken cancellationToken);

    /// <summary>
    /// A new admin key <paramref name="newKeyId"/> (same name and scopes, credential <paramref name="newCredential"/>, created
    /// <paramref name="at"/>) in place of <paramref name="id"/>, which keeps working until <paramref name="oldKeyValidUntil"/>.
    /// Null when there is no such key or it is revoked.
    /// </summary>
    Task<AdminKey?> RotateAdminKeyAsync(string id, string newKeyId, string newCredential, DateTimeOffset at, DateTimeOffset oldKeyValidUntil, CancellationToken cancellationToken);

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

/// <param name="ExpiresAt">When the key stops working: chosen at creation, or the end of a rotated key's grace period.</param>
/// <param name="Scopes">What the key may do, space-separated as OAuth writes scopes (docs/security.md); <c>admin</c> may do everything.</param>
public sealed record AdminKey(string Id, string Name, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt = null, DateTimeOffset? RevokedAt = null, string Scopes = "admin");

/// <param name="Credential">What the store keeps of the key: a salted hash (or, for keys made before salting, a plain SHA-256).</param>
public sealed record AdminKeyCredential(AdminKey Key, string Credential);

/// <param name="FileKey">Identifies the file by content (hash of its first bytes and its length), not by path.</param>
/// <param name="LinesDone">Lines of the file fully handled (accepted or rejected).</param>
public sealed record ImportCheckpoint(string FileKey, string Path, long LinesDone, long Accepted, long Rejected, DateTimeOffset UpdatedAt);
