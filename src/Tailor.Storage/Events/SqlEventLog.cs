using System.Data.Common;
using Tailor.Core.Events;
using Tailor.Core.Storage;
using Tailor.Storage.Profiles;
using Tailor.Storage.Relational;

namespace Tailor.Storage.Events;

/// <summary>
/// The append-only event log (table <c>event_log</c>: rows written once, never updated); the dialect inserts (PostgreSQL
/// orders appends with a lock). Which profile an event belongs to is in <c>event_profiles</c>, written by the profile
/// pipeline; the view <c>events</c> joins the two for readers.
/// </summary>
internal sealed class SqlEventLog(SqlDatabase db, SqlProfileStore profiles) : IEventLog
{
    public Task<bool[]> AppendAsync(IReadOnlyList<TailorEvent> events, CancellationToken cancellationToken)
    {
        if (events.Count == 0) return Task.FromResult(Array.Empty<bool>());
        events = db.ProtectEvents(events); // encrypted at the storage edge, outside the write lock
        var encoded = db.EncodePayloads(events); // compression costs CPU, not lock time
        return db.WriteAsync((c, t) => db.InsertEventsAsync(c, t, events, encoded, cancellationToken), cancellationToken);
    }

    internal const string EventColumnsSql = "seq, message_id, source_id, type, name, user_id, anonymous_id, ts, received_at, payload";

    public Task<IReadOnlyList<LoggedEvent>> ReadAfterAsync(long sequence, int max, CancellationToken cancellationToken) =>
        ReadAfterAsync(sequence, max, reveal: true, cancellationToken);

    public Task<IReadOnlyList<LoggedEvent>> ReadSealedAfterAsync(long sequence, int max, CancellationToken cancellationToken) =>
        ReadAfterAsync(sequence, max, reveal: false, cancellationToken);

    private async Task<IReadOnlyList<LoggedEvent>> ReadAfterAsync(long sequence, int max, bool reveal, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        return await Db.ListAsync(c, $"SELECT {EventColumnsSql} FROM event_log WHERE seq > @after ORDER BY seq LIMIT @max", r => ReadEvent(db, r, reveal: reveal), cancellationToken,
            ("after", sequence), ("max", max));
    }

    public LoggedEvent Open(LoggedEvent stored)
    {
        var e = stored.Event;
        var payload = db.RevealPayload(e.Payload, e.SourceId, e.MessageId);
        return ReferenceEquals(payload, e.Payload) ? stored : stored with { Event = e with { Payload = payload } };
    }

    public async Task<long> LastSequenceAsync(CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        return Convert.ToInt64(await Db.ScalarAsync(c, null, "SELECT COALESCE(MAX(seq), 0) FROM event_log", cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task<IReadOnlyList<LoggedEvent>> ProfileEventsAsync(EventQuery query, CancellationToken cancellationToken)
    {
        var profile = await profiles.GetProfileAsync(query.ProfileId, cancellationToken);
        if (profile is null) return [];
        var sql = new System.Text.StringBuilder($"SELECT {EventColumnsSql} FROM events WHERE profile_id = @profile");
        var parameters = new List<(string, object?)> { ("profile", profile.Id), ("limit", query.Limit) };
        void Filter(string condition, string name, object? value)
        {
            if (value is null) return;
            sql.Append(" AND ").Append(condition);
            parameters.Add((name, value));
        }
        Filter("name = @name", "name", query.Name);
        Filter("ts >= @from", "from", query.From is { } f ? Db.Ms(f) : null);
        Filter("ts < @to", "to", query.To is { } t ? Db.Ms(t) : null);
        Filter("seq < @before", "before", query.Before);
        // Log order, not event time: paging continues below the last sequence seen, and an event that arrived late
        // with an old timestamp would otherwise be skipped or repeated across pages.
        sql.Append(" ORDER BY seq DESC LIMIT @limit");
        await using var c = await db.OpenReadAsync(cancellationToken);
        return await Db.ListAsync(c, sql.ToString(), r => ReadEvent(db, r), cancellationToken, [.. parameters]);
    }

    /// <summary>Reads the columns of <see cref="EventColumnsSql"/> starting at column <paramref name="offset"/>; protected fields come back clear.</summary>
    /// <param name="reveal">False for a reader that looks only at the message's shape (which keys it has), never at a
    /// protected value: the payload is left as stored, its encrypted values unopened (issue 13: every opening costs).</param>
    internal static LoggedEvent ReadEvent(SqlDatabase db, DbDataReader r, int offset = 0, bool reveal = true)
    {
        var sourceId = r.GetString(offset + 2);
        var messageId = r.GetString(offset + 1);
        var typeText = r.GetString(offset + 3);
        if (!EventTypes.TryParse(typeText, out var type))
            throw new InvalidDataException($"Event {r.GetInt64(offset + 0)} has unknown type '{typeText}'.");
        var name = r.NullableString(offset + 4);
        var userId = r.NullableString(offset + 5);
        var anonymousId = r.NullableString(offset + 6);
        var stored = r.GetValue(offset + 9);
        if (stored is null or DBNull) throw new InvalidDataException($"Event {r.GetInt64(offset + 0)} has no payload.");
        var columns = new PayloadColumns(messageId, userId, anonymousId, typeText, name, r.GetInt64(offset + 7));
        // A compressed payload is opened from its decoded UTF-8, so it becomes a string once (the pipeline reads every event).
        var payload = !reveal ? PayloadCodec.Decode(stored, columns)!
            : stored is string text ? db.RevealPayload(text, sourceId, messageId)
            : db.RevealPayload(PayloadCodec.DecodeUtf8(stored, columns), sourceId, messageId);
        return new LoggedEvent(r.GetInt64(offset + 0), new TailorEvent(
            MessageId: messageId,
            Type: type,
            Name: name,
            UserId: userId,
            AnonymousId: anonymousId,
            Timestamp: ProfileColumns.FromMs(r.GetInt64(offset + 7)),
            ReceivedAt: ProfileColumns.FromMs(r.GetInt64(offset + 8)),
            SourceId: sourceId,
            Payload: payload));
    }

}
