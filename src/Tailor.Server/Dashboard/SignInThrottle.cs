namespace Tailor.Server.Dashboard;

/// <summary>
/// Slows guessing at the sign-in form: after <see cref="MaxFailuresPerName"/> failed sign-ins for one user name, or
/// <see cref="MaxFailuresPerAddress"/> from one client address, within <see cref="Window"/>, further attempts for that
/// name or from that address are refused without checking anything until the oldest failure leaves the window. A
/// success forgets the name's failures (not the address's: one valid account must not reset a guesser's count).
/// Counted in memory on each node (docs/dashboard.md); at most <see cref="MaxTracked"/> names and addresses are
/// followed, the stale ones dropped first.
/// </summary>
public sealed class SignInThrottle(TimeProvider time)
{
    public const int MaxFailuresPerName = 5;
    public const int MaxFailuresPerAddress = 20;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);
    private const int MaxTracked = 10_000;

    private readonly Dictionary<string, Queue<DateTimeOffset>> _names = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Queue<DateTimeOffset>> _addresses = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>Null when a sign-in for <paramref name="name"/> (null for a key) from <paramref name="address"/> may be tried now.</summary>
    public SignInLockout? Check(string? name, string? address)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            if (address is not null && Wait(_addresses, address, MaxFailuresPerAddress, now) is { } forAddress) return new SignInLockout("address", forAddress);
            if (name is not null && Wait(_names, name, MaxFailuresPerName, now) is { } forName) return new SignInLockout("user", forName);
            return null;
        }
    }

    public void Failed(string? name, string? address)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            if (name is not null) Add(_names, name, MaxFailuresPerName, now);
            if (address is not null) Add(_addresses, address, MaxFailuresPerAddress, now);
        }
    }

    public void Succeeded(string name)
    {
        lock (_lock) _names.Remove(name);
    }

    private static TimeSpan? Wait(Dictionary<string, Queue<DateTimeOffset>> failures, string subject, int limit, DateTimeOffset now)
    {
        if (!failures.TryGetValue(subject, out var times)) return null;
        Expire(times, now);
        return times.Count >= limit ? times.Peek() + Window - now : null;
    }

    private static void Add(Dictionary<string, Queue<DateTimeOffset>> failures, string subject, int limit, DateTimeOffset now)
    {
        if (!failures.TryGetValue(subject, out var times))
        {
            if (failures.Count >= MaxTracked) Prune(failures, now);
            failures[subject] = times = new Queue<DateTimeOffset>(limit);
        }
        Expire(times, now);
        times.Enqueue(now);
        while (times.Count > limit) times.Dequeue(); // only the last `limit` failures decide
    }

    private static void Expire(Queue<DateTimeOffset> times, DateTimeOffset now)
    {
        while (times.Count > 0 && times.Peek() + Window <= now) times.Dequeue();
    }

    /// <summary>Drops subjects with no failure in the window; if every one is recent (a flood of names), forgets them all rather than grow.</summary>
    private static void Prune(Dictionary<string, Queue<DateTimeOffset>> failures, DateTimeOffset now)
    {
        foreach (var (subject, times) in failures)
        {
            Expire(times, now);
            if (times.Count == 0) failures.Remove(subject);
        }
        if (failures.Count >= MaxTracked) failures.Clear();
    }
}
