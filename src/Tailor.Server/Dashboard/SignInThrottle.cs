using Tailor.Core.Storage;

namespace Tailor.Server.Dashboard;

/// <summary>
/// Slows guessing at the sign-in form: after <see cref="MaxFailuresPerName"/> failed sign-ins for one user name, or
/// <see cref="MaxFailuresPerAddress"/> from one client address, within <see cref="Window"/>, further attempts for that
/// name or from that address are refused without checking anything until the oldest failure leaves the window. A
/// success forgets the name's failures (not the address's: one valid account must not reset a guesser's count).
/// The failures are kept in the store (<see cref="ISignInFailureStore"/>), so every node sharing it counts the same
/// ones (docs/dashboard.md).
/// </summary>
public sealed class SignInThrottle(ISignInFailureStore failures, TimeProvider time)
{
    public const int MaxFailuresPerName = 5;
    public const int MaxFailuresPerAddress = 20;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);

    /// <summary>The longest subject kept: a name is input (a longer one is never a user's, and counts with its first characters).</summary>
    private const int MaxSubject = 200;

    /// <summary>Null when a sign-in for <paramref name="name"/> (null for a key) from <paramref name="address"/> may be tried now.</summary>
    public async Task<SignInLockout?> CheckAsync(string? name, string? address, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (address is not null && await WaitAsync(Address(address), MaxFailuresPerAddress, now, ct) is { } forAddress) return new SignInLockout("address", forAddress);
        if (name is not null && await WaitAsync(User(name), MaxFailuresPerName, now, ct) is { } forName) return new SignInLockout("user", forName);
        return null;
    }

    public Task FailedAsync(string? name, string? address, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        List<string> subjects = [];
        if (name is not null) subjects.Add(User(name));
        if (address is not null) subjects.Add(Address(address));
        return subjects.Count == 0 ? Task.CompletedTask : failures.RecordFailureAsync(subjects, now, now - Window, ct);
    }

    public Task SucceededAsync(string name, CancellationToken ct) => failures.ForgetFailuresAsync(User(name), ct);

    /// <summary>How long until the oldest of the latest <paramref name="limit"/> failures in the window leaves it; null when there are fewer.</summary>
    private async Task<TimeSpan?> WaitAsync(string subject, int limit, DateTimeOffset now, CancellationToken ct)
    {
        var recent = await failures.RecentFailuresAsync(subject, now - Window, limit, ct);
        return recent.Count >= limit ? recent[^1] + Window - now : null;
    }

    private static string User(string name) => Cut("user:" + name);

    private static string Address(string address) => Cut("address:" + address);

    private static string Cut(string subject) => subject.Length > MaxSubject ? subject[..MaxSubject] : subject;
}
