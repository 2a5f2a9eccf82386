namespace Tailor.Application;

/// <summary>
/// Where new ids come from: time-ordered (UUIDv7 on the injected clock) and prefixed by their kind (<c>seg</c>,
/// <c>trg</c>, <c>cmp</c>, …). Injected like <see cref="TimeProvider"/>, so ids are made in one place and tests can fix them.
/// </summary>
public class IdSource(TimeProvider time)
{
    /// <summary>A new id such as <c>seg_0193…</c>.</summary>
    public virtual string New(string prefix) => $"{prefix}_{Guid.CreateVersion7(time.GetUtcNow()):N}";
}
