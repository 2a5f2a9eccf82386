namespace Tailor.Storage.Events;

/// <summary>
/// The 64-bit key the SQLite log dedupes by (issue 17): FNV-1a over the source id, a NUL, and the messageId, each
/// UTF-16 code unit taken low byte first. An index of these integers takes about a quarter of the bytes of a unique
/// index on (source_id, message_id), whose messageIds are random 32-character strings. Two different messages may
/// share a key, so a key found is only a candidate: the append compares the stored source and messageId before it
/// calls a message a duplicate.
/// </summary>
/// <remarks>Stored rows depend on it (column <c>event_log.dedupe</c>): the function must never change.</remarks>
internal static class DedupeKey
{
    private const ulong Offset = 14695981039346656037;
    private const ulong Prime = 1099511628211;

    public static long Of(string sourceId, string messageId)
    {
        var hash = Offset;
        hash = Add(hash, sourceId);
        hash = Step(hash, 0);
        hash = Step(hash, 0);
        hash = Add(hash, messageId);
        return unchecked((long)hash);
    }

    private static ulong Add(ulong hash, string text)
    {
        foreach (var c in text)
        {
            hash = Step(hash, (byte)c);
            hash = Step(hash, (byte)(c >> 8));
        }
        return hash;
    }

    /// <summary>Plain 64-bit FNV-1a of <paramref name="bytes"/> (the published algorithm; its test vectors check this file).</summary>
    internal static ulong Fnv1a(ReadOnlySpan<byte> bytes)
    {
        var hash = Offset;
        foreach (var b in bytes) hash = Step(hash, b);
        return hash;
    }

    private static ulong Step(ulong hash, byte value) => unchecked((hash ^ value) * Prime);
}
