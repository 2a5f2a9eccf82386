namespace Tailor.Core.Storage;

/// <summary>
/// Re-encryption of personal data at rest after a key rotation (docs/security.md): the pass walks each table that holds
/// ciphertexts in key order, a batch per transaction, rewriting what an older key version (or no key, data written
/// before encryption was on) protects; its progress is stored, so a restart resumes where it stopped.
/// </summary>
public interface IEncryptionStore
{
    /// <summary>Rewrites the next batch of at most <paramref name="batchSize"/> rows; false when every table is done for the active key.</summary>
    Task<bool> RewriteNextBatchAsync(int batchSize, CancellationToken cancellationToken);

    /// <summary>How far the pass for the active key version has come.</summary>
    Task<EncryptionProgress> ProgressAsync(CancellationToken cancellationToken);
}
