namespace Tailor.Core.Storage;

/// <summary>
/// Failed dashboard sign-ins, counted per subject (<c>user:NAME</c> or <c>address:IP</c>) in the store so that every
/// node sharing it (PostgreSQL scale-out) counts the same failures (docs/dashboard.md). Only the subject and the time
/// are kept, never what was tried.
/// </summary>
public interface ISignInFailureStore
{
    /// <summary>Records one failure at <paramref name="at"/> against each of <paramref name="subjects"/>, and forgets every failure at or before <paramref name="forgetBefore"/>.</summary>
    Task RecordFailureAsync(IReadOnlyList<string> subjects, DateTimeOffset at, DateTimeOffset forgetBefore, CancellationToken cancellationToken);

    /// <summary>The times of the latest <paramref name="limit"/> failures of <paramref name="subject"/> after <paramref name="since"/>, newest first.</summary>
    Task<IReadOnlyList<DateTimeOffset>> RecentFailuresAsync(string subject, DateTimeOffset since, int limit, CancellationToken cancellationToken);

    /// <summary>Forgets every failure of <paramref name="subject"/>.</summary>
    Task ForgetFailuresAsync(string subject, CancellationToken cancellationToken);
}
