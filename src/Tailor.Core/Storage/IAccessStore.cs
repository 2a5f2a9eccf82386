namespace Tailor.Core.Storage;

/// <summary>Sources with their write keys, admin keys, and import checkpoints.</summary>
public interface IAccessStore
{
    Task<Source> CreateSourceAsync(string name, string writeKey, CancellationToken cancellationToken);

    Task<IReadOnlyList<Source>> ListSourcesAsync(CancellationToken cancellationToken);

    Task<Source?> FindSourceByWriteKeyAsync(string writeKey, CancellationToken cancellationToken);

    Task<Source?> FindSourceByNameAsync(string name, CancellationToken cancellationToken);

    /// <summary>Stores only the key's SHA-256 hash; the key itself is shown once, at creation.</summary>
    Task<AdminKey> CreateAdminKeyAsync(string name, string keyHash, CancellationToken cancellationToken);

    Task<AdminKey?> FindAdminKeyAsync(string keyHash, CancellationToken cancellationToken);

    Task<IReadOnlyList<AdminKey>> ListAdminKeysAsync(CancellationToken cancellationToken);

    /// <summary>How far an import of the file identified by <paramref name="fileKey"/> got, or null if never started.</summary>
    Task<ImportCheckpoint?> GetImportCheckpointAsync(string fileKey, CancellationToken cancellationToken);

    Task SaveImportCheckpointAsync(ImportCheckpoint checkpoint, CancellationToken cancellationToken);
}

public sealed record Source(string Id, string Name, string WriteKey, DateTimeOffset CreatedAt);

public sealed record AdminKey(string Id, string Name, DateTimeOffset CreatedAt);

/// <param name="FileKey">Identifies the file by content (hash of its first bytes and its length), not by path.</param>
/// <param name="LinesDone">Lines of the file fully handled (accepted or rejected).</param>
public sealed record ImportCheckpoint(string FileKey, string Path, long LinesDone, long Accepted, long Rejected, DateTimeOffset UpdatedAt);
