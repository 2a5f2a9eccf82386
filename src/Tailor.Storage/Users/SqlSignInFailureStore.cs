using Tailor.Core.Storage;
using Tailor.Storage.Relational;

namespace Tailor.Storage.Users;

/// <summary>Failed sign-ins: one row per subject and failure, kept only for the throttle's window (pruned on every write).</summary>
internal sealed class SqlSignInFailureStore(SqlDatabase db) : ISignInFailureStore
{
    public Task RecordFailureAsync(IReadOnlyList<string> subjects, DateTimeOffset at, DateTimeOffset forgetBefore, CancellationToken cancellationToken) =>
        db.WriteAsync(async (c, t) =>
        {
            await Db.ExecuteAsync(c, t, "DELETE FROM sign_in_failures WHERE at <= @before", cancellationToken, ("before", Db.Ms(forgetBefore)));
            foreach (var subject in subjects)
                await Db.ExecuteAsync(c, t, "INSERT INTO sign_in_failures (subject, at) VALUES (@subject, @at)", cancellationToken, ("subject", subject), ("at", Db.Ms(at)));
            return 0;
        }, cancellationToken);

    public async Task<IReadOnlyList<DateTimeOffset>> RecentFailuresAsync(string subject, DateTimeOffset since, int limit, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        return await Db.ListAsync(c, "SELECT at FROM sign_in_failures WHERE subject = @subject AND at > @since ORDER BY at DESC LIMIT @limit",
            r => ProfileColumns.FromMs(r.GetInt64(0)), cancellationToken, ("subject", subject), ("since", Db.Ms(since)), ("limit", limit));
    }

    public Task ForgetFailuresAsync(string subject, CancellationToken cancellationToken) =>
        db.WriteAsync(async (c, t) => await Db.ExecuteAsync(c, t, "DELETE FROM sign_in_failures WHERE subject = @subject", cancellationToken, ("subject", subject)), cancellationToken);
}
