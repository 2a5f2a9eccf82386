using System.Data.Common;
using System.Text.Json;
using Tailor.Core.Destinations;
using Tailor.Core.Profiles;
using Tailor.Storage.DeadLetters;
using Tailor.Storage.Positions;
using Tailor.Storage.Profiles;
using Tailor.Storage.Relational;

namespace Tailor.Storage.Destinations;

/// <summary>Destinations and their counters (table <c>destinations</c>); a step's positions, counts and dead letter commit together.</summary>
internal sealed class SqlDestinationStore(SqlDatabase db) : IDestinationStore
{
    private const string Columns = "id, name, kind, settings, paused, created_at, updated_at";

    public Task<bool> SaveDestinationAsync(Destination d, CancellationToken cancellationToken) =>
        db.WriteAsync(async (c, t) =>
        {
            var taken = await Db.ScalarAsync(c, t, "SELECT id FROM destinations WHERE name = @name AND id <> @id", cancellationToken, ("name", d.Name), ("id", d.Id));
            if (taken is not null) return false;
            await Db.ExecuteAsync(c, t, """
                INSERT INTO destinations (id, name, kind, settings, paused, created_at, updated_at) VALUES (@id, @name, @kind, @settings, @paused, @created, @updated)
                ON CONFLICT (id) DO UPDATE SET name = excluded.name, kind = excluded.kind, settings = excluded.settings, paused = excluded.paused, updated_at = excluded.updated_at
                """, cancellationToken, ("id", d.Id), ("name", d.Name), ("kind", d.Kind), ("settings", JsonSerializer.Serialize(d.Settings, DestinationJson.Default.DestinationSettings)),
                ("paused", d.Paused), ("created", Db.Ms(d.CreatedAt)), ("updated", Db.Ms(d.UpdatedAt)));
            return true;
        }, cancellationToken);

    public async Task<Destination?> GetDestinationAsync(string id, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        var found = await Db.ListAsync(c, $"SELECT {Columns} FROM destinations WHERE id = @id", Read, cancellationToken, ("id", id));
        return found.Count == 0 ? null : found[0];
    }

    public async Task<IReadOnlyList<Destination>> ListDestinationsAsync(CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        return await Db.ListAsync(c, $"SELECT {Columns} FROM destinations ORDER BY name", Read, cancellationToken);
    }

    public Task<bool> DeleteDestinationAsync(string id, CancellationToken cancellationToken) =>
        db.WriteAsync(async (c, t) =>
        {
            var deleted = await Db.ExecuteAsync(c, t, "DELETE FROM destinations WHERE id = @id", cancellationToken, ("id", id));
            await Db.ExecuteAsync(c, t, "DELETE FROM pipeline_positions WHERE name LIKE @prefix", cancellationToken, ("prefix", $"destination:{id}:%"));
            return deleted > 0;
        }, cancellationToken);

    public async Task<DestinationCounters> CountersAsync(string id, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        var found = await Db.ListAsync(c, "SELECT sent, skipped, last_error, last_error_at FROM destinations WHERE id = @id",
            r => new DestinationCounters(r.GetInt64(0), r.GetInt64(1), r.NullableString(2), r.IsDBNull(3) ? null : ProfileColumns.FromMs(r.GetInt64(3))), cancellationToken, ("id", id));
        return found.Count == 0 ? new DestinationCounters(0, 0, null, null) : found[0];
    }

    public Task CommitAsync(DestinationCommit commit, CancellationToken cancellationToken) =>
        db.WriteAsync(async (c, t) =>
        {
            foreach (var move in commit.Moves)
                if (move.From != move.To) await SqlPositionStore.MoveAsync(c, t, move, cancellationToken);
            await Db.ExecuteAsync(c, t, "UPDATE destinations SET sent = sent + @sent, skipped = skipped + @skipped, last_error = NULL, last_error_at = NULL WHERE id = @id",
                cancellationToken, ("sent", commit.Sent), ("skipped", commit.Skipped), ("id", commit.DestinationId));
            if (commit.SetAside is { } letter)
            {
                var insert = SqlDeadLetterStore.Insert(db, letter);
                await db.ExecuteAllAsync(c, t, [insert], cancellationToken);
            }
            return 0;
        }, cancellationToken, background: true);

    public Task RecordErrorAsync(string id, string error, DateTimeOffset at, CancellationToken cancellationToken) =>
        db.WriteAsync((c, t) => Db.ExecuteAsync(c, t, "UPDATE destinations SET last_error = @error, last_error_at = @at WHERE id = @id", cancellationToken,
            ("error", error.Length > 2000 ? error[..2000] : error), ("at", Db.Ms(at)), ("id", id)), cancellationToken, background: true);

    public async Task<IReadOnlyDictionary<string, Profile>> ProfilesAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
    {
        if (ids.Count == 0) return new Dictionary<string, Profile>();
        await using var c = await db.OpenReadAsync(cancellationToken);
        var all = new Dictionary<string, Profile>(ids.Count, StringComparer.Ordinal);
        // In pages: a parameter list has a limit (SQLite 32,766).
        foreach (var page in ids.Chunk(500))
            foreach (var (id, profile) in await SqlProfileStore.ReadProfilesAsync(db, c, page, liveOnly: false, withIdentities: true, cancellationToken))
                all[id] = profile;
        return all;
    }

    public async Task<IReadOnlyDictionary<string, Profile>> ConsentsAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
    {
        var all = new Dictionary<string, Profile>(ids.Count, StringComparer.Ordinal);
        if (ids.Count == 0) return all;
        // The ids as one JSON array parameter: an IN list of hundreds of parameters cost more to prepare and bind than the
        // rows cost to read (forwarding looks up ~1,000 profiles per request).
        var sql = "SELECT p.id, p.created_at, p.merged_into, p.consent FROM " + (db.Kind == "postgres"
            ? "jsonb_array_elements_text(@ids::jsonb) AS i(value) JOIN profiles p ON p.id = i.value"
            : "json_each(@ids) AS i JOIN profiles p ON p.id = i.value");
        await using var c = await db.OpenReadAsync(cancellationToken);
        foreach (var page in ids.Chunk(10_000))
        {
            foreach (var profile in await Db.ListAsync(c, sql, r =>
            {
                var p = new Profile { Id = r.GetString(0), CreatedAt = ProfileColumns.FromMs(r.GetInt64(1)), MergedInto = r.NullableString(2) };
                ProfileColumns.ReadConsent(r.GetString(3), p.Consent);
                return p;
            }, cancellationToken, ("ids", JsonArray(page))))
                all[profile.Id] = profile;
        }
        return all;
    }

    private static string JsonArray(string[] values)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(values.Length * 24 + 2);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartArray();
            foreach (var value in values) w.WriteStringValue(value);
            w.WriteEndArray();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public async Task<int> VisitAssignedEventsAsync(long after, long upTo, int max, IAssignedEventVisitor visitor, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        // The read of SqlTriggerStore.AssignedEventsAsync (the two tables, not the view), with the payload decoded into
        // a reused buffer instead of a string per event.
        await using var command = Db.Command(c, null, """
            SELECT p.profile_id, l.seq, l.message_id, l.source_id, l.type, l.name, l.user_id, l.anonymous_id, l.ts, l.received_at, l.payload
            FROM event_profiles p JOIN event_log l ON l.seq = p.seq
            WHERE p.seq > @after AND p.seq <= @upTo ORDER BY p.seq LIMIT @max
            """, ("after", after), ("upTo", upTo), ("max", max));
        await using var r = await command.ExecuteReaderAsync(cancellationToken);
        var count = 0;
        while (await r.ReadAsync(cancellationToken))
        {
            Visit(r, visitor);
            count++;
        }
        return count;
    }

    private static readonly byte[] CipherPrefix = System.Text.Encoding.UTF8.GetBytes(Core.Privacy.FieldCipher.Prefix);

    private void Visit(DbDataReader r, IAssignedEventVisitor visitor)
    {
        var sequence = r.GetInt64(1);
        var messageId = r.GetString(2);
        var sourceId = r.GetString(3);
        var typeText = r.GetString(4);
        if (!Core.Events.EventTypes.TryParse(typeText, out var type)) throw new InvalidDataException($"Event {sequence} has unknown type '{typeText}'.");
        var columns = new AssignedEventColumns(sequence, r.GetString(0), messageId, type, r.NullableString(5), r.NullableString(6), r.NullableString(7),
            ProfileColumns.FromMs(r.GetInt64(8)), ProfileColumns.FromMs(r.GetInt64(9)), sourceId);
        var payload = Events.PayloadCodec.DecodeUtf8(r.GetValue(10), new Events.PayloadColumns(messageId, columns.UserId, columns.AnonymousId, typeText, columns.Name, r.GetInt64(8)));
        // Encrypted fields (issue 13) are opened through the one reveal path, on the text; other payloads never become one.
        if (db.Protection.Enabled && payload.IndexOf(CipherPrefix) >= 0)
            payload = System.Text.Encoding.UTF8.GetBytes(db.RevealPayload(System.Text.Encoding.UTF8.GetString(payload), sourceId, messageId));
        visitor.Visit(columns, payload);
    }

    public async Task<IReadOnlyList<SendRecord>> SendsAfterAsync(long afterId, int max, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        return await Db.ListAsync(c, "SELECT id, profile_id, channel, origin, at FROM contacts WHERE id > @after ORDER BY id LIMIT @max",
            r => new SendRecord(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), ProfileColumns.FromMs(r.GetInt64(4))), cancellationToken, ("after", afterId), ("max", max));
    }

    private static Destination Read(DbDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2),
        JsonSerializer.Deserialize(r.GetString(3), DestinationJson.Default.DestinationSettings) ?? new DestinationSettings(),
        r.GetBoolean(4), ProfileColumns.FromMs(r.GetInt64(5)), ProfileColumns.FromMs(r.GetInt64(6)));
}
