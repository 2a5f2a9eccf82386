namespace Tailor.Core.Storage;

/// <summary>The re-encryption pass toward <paramref name="ActiveVersion"/>: per table, rows rewritten and whether it is done.</summary>
/// <param name="ActiveVersion">The key version everything is being brought to (0: encryption off).</param>
public sealed record EncryptionProgress(int ActiveVersion, IReadOnlyList<EncryptionTableProgress> Tables)
{
    /// <summary>True when every table is done.</summary>
    public bool Done => Tables.All(t => t.Done);
}
