namespace Tailor.Application;

/// <summary>
/// Where new ids come from: time-ordered (UUIDv7 on the injected clock) and prefixed by their kind (<c>seg</c>,
/// <c>trg</c>, <c>cmp</c>, …). Injected like <see cref="TimeProvider"/>, so ids are made in one place and tests can fix them.
/// </summary>
public class IdSource(TimeProvider time)
{
    /// <summary>Crockford's base32 alphabet in lower case: in ASCII order, so the text sorts as the number does.</summary>
    private const string Base32Alphabet = "0123456789abcdefghjkmnpqrstvwxyz";

    /// <summary>A new id such as <c>seg_0193…</c>.</summary>
    public virtual string New(string prefix) => $"{prefix}_{Guid.CreateVersion7(time.GetUtcNow()):N}";

    /// <summary>
    /// A new id as unique and as time-ordered as <see cref="New"/> in 6 characters less, such as <c>src_01kq…</c>: the
    /// same 128 bits as 26 characters of lowercase base32 instead of 32 hex digits. For ids the hot tables repeat per
    /// event — a source id is in every <c>event_log</c> and trait history row (issue 17, bytes per event). Profile ids
    /// are shorter still: made from the log (<see cref="Tailor.Core.Profiles.ProfileIds"/>). Ids already stored keep
    /// their form: an id is opaque text.
    /// </summary>
    public virtual string NewCompact(string prefix) => $"{prefix}_{Base32(Guid.CreateVersion7(time.GetUtcNow()))}";

    /// <summary>The 128 bits of <paramref name="id"/> (big-endian, as its hex form reads) in 26 base32 digits, most significant first.</summary>
    internal static string Base32(Guid id)
    {
        Span<byte> bytes = stackalloc byte[16];
        id.TryWriteBytes(bytes, bigEndian: true, out _);
        var value = System.Buffers.Binary.BinaryPrimitives.ReadUInt128BigEndian(bytes);
        return string.Create(26, value, static (chars, v) =>
        {
            for (var i = chars.Length - 1; i >= 0; i--)
            {
                chars[i] = Base32Alphabet[(int)(v & 31)];
                v >>= 5;
            }
        });
    }
}
