namespace Tailor.Application;

/// <summary>
/// Where new ids come from: time-ordered (UUIDv7 on the injected clock) and prefixed by their kind (<c>seg</c>,
/// <c>trg</c>, <c>cmp</c>, …). Injected like <see cref="TimeProvider"/>, so ids are made in one place and tests can fix them.
/// </summary>
public class IdSource(TimeProvider time)
{
    /// <summary>A new id such as <c>seg_0193…</c>.</summary>
    public virtual string New(string prefix) => $"{prefix}_{Guid.CreateVersion7(time.GetUtcNow()):N}";

    /// <summary>
    /// A new id for things made rarely whose id the hot tables repeat per event — a source id is in every
    /// <c>event_log</c> and trait history row (issue 17, bytes per event; profile ids are made from the log instead:
    /// <see cref="Tailor.Core.Profiles.ProfileIds"/>) — such as <c>src_0k3m…</c>: 64 bits in 13
    /// base32 characters, the milliseconds since 2020 (42 bits, enough until 2159) and then 22 random bits, so
    /// time-ordered, and two ids are alike only when made in the same millisecond with the same random bits (one chance
    /// in four million for such a pair).
    /// </summary>
    public virtual string NewShort(string prefix)
    {
        var milliseconds = (ulong)Math.Max(0, (time.GetUtcNow() - ShortIdEpoch).TotalMilliseconds); // a clock before 2020 gives 0
        var value = (milliseconds << 22) | (uint)Random.Shared.Next(1 << 22);
        return string.Create(prefix.Length + 1 + 13, (prefix, value), static (chars, state) =>
        {
            state.prefix.AsSpan().CopyTo(chars);
            chars[state.prefix.Length] = '_';
            Core.Base32.Write(chars[(state.prefix.Length + 1)..], state.value);
        });
    }

    private static readonly DateTimeOffset ShortIdEpoch = new(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);
}
