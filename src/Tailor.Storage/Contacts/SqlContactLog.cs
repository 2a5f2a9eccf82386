using Tailor.Core.Delivery;
using Tailor.Core.Storage;
using Tailor.Storage.Relational;

namespace Tailor.Storage.Contacts;

/// <summary>The contact log that frequency caps count (table <c>contacts</c>).</summary>
internal sealed class SqlContactLog(SqlDatabase db) : IContactLog
{
    public Task RecordContactAsync(Contact contact, CancellationToken cancellationToken) =>
        db.WriteAsync((c, t) => Db.ExecuteAsync(c, t, "INSERT INTO contacts (profile_id, channel, origin, at) VALUES (@profile, @channel, @origin, @at)",
            cancellationToken, ("profile", contact.ProfileId), ("channel", contact.Channel), ("origin", contact.Origin), ("at", Db.Ms(contact.At))), cancellationToken);

    public async Task<int> CountContactsAsync(string profileId, string channel, string? origin, DateTimeOffset since, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        var sql = "SELECT COUNT(*) FROM contacts WHERE profile_id = @profile AND channel = @channel AND at >= @since"
            + (origin is null ? "" : " AND origin = @origin");
        var count = await Db.ScalarAsync(c, null, sql, cancellationToken,
            ("profile", profileId), ("channel", channel), ("since", Db.Ms(since)), ("origin", origin ?? ""));
        return Convert.ToInt32(count, System.Globalization.CultureInfo.InvariantCulture);
    }
}
