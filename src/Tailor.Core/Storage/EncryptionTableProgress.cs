namespace Tailor.Core.Storage;

/// <summary>One table of the re-encryption pass.</summary>
public sealed record EncryptionTableProgress(string Table, long Rewritten, bool Done);
