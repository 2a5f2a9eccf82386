using System.Data.Common;
using System.Text.Json;
using Tailor.Core.Events;
using Tailor.Core.Identity;
using Tailor.Core.Pipeline;
using Tailor.Core.Profiles;
using Tailor.Core.Storage;

namespace Tailor.Storage.Relational;

/// <summary>
/// The storage contract written once in SQL that SQLite and PostgreSQL both speak; each subclass supplies
/// connections, its migrations and the few statements where the dialects differ.
/// </summary>
public abstract partial class SqlTailorStore : ITailorStore
{
    private const string ProfilesPipeline = "profiles";
    protected const string ProfileColumnsSql = "id, created_at, updated_at, merged_into, traits, trait_times, computed, consent, tags";

    public abstract string Kind { get; }

    /// <summary>The SQL for a parameter that holds JSON text (PostgreSQL casts it to jsonb).</summary>
    protected abstract string Json(string parameter);

    protected abstract IReadOnlyList<Migration> Migrations { get; }

    /// <summary>A connection for reads; may run beside writes.</summary>
    protected abstract ValueTask<DbConnection> OpenReadAsync(CancellationToken ct);

    /// <summary>Runs <paramref name="work"/> in a write transaction and commits it durably.</summary>
    /// <param name="background">Work that may wait (pipeline commits): a store with a single writer lets other writes go first.</param>
    protected abstract Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken ct, bool background = false);

    /// <summary>Inserts events not yet logged; returns, per event, whether it was new.</summary>
    protected abstract Task<bool[]> InsertEventsAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<TailorEvent> events, CancellationToken ct);

    /// <summary>Runs statements in order inside a transaction, as few round trips as the backend allows.</summary>
    protected abstract Task ExecuteAllAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<Statement> statements, CancellationToken ct);

    /// <summary>SQL that is true when trait <c>@name</c> of <c>profiles</c> equals the JSON value <c>@value</c>.</summary>
    protected abstract string TraitEqualsSql { get; }

    public virtual ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }

    // ---------------------------------------------------------------- migrations

    public virtual async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await WriteAsync(async (c, t) =>
        {
            await Db.ExecuteAsync(c, t, "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)", cancellationToken);
            // Each version is applied once, even one numbered below the newest applied (branches merged in any order).
            var applied = (await Db.ListAsync(c, t, "SELECT version FROM schema_migrations", r => Convert.ToInt32(r.GetValue(0), System.Globalization.CultureInfo.InvariantCulture), cancellationToken)).ToHashSet();
            foreach (var migration in Migrations)
            {
                if (applied.Contains(migration.Version)) continue;
                await Db.ExecuteAsync(c, t, migration.Sql, cancellationToken);
                await Db.ExecuteAsync(c, t, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (@v, @n, @a)", cancellationToken,
                    ("v", migration.Version), ("n", migration.Name), ("a", Db.Ms(DateTimeOffset.UtcNow)));
            }
            return 0;
        }, cancellationToken);
    }

    // ---------------------------------------------------------------- event log

    public Task<bool[]> AppendAsync(IReadOnlyList<TailorEvent> events, CancellationToken cancellationToken) =>
        events.Count == 0 ? Task.FromResult(Array.Empty<bool>()) : WriteAsync((c, t) => InsertEventsAsync(c, t, events, cancellationToken), cancellationToken);

    protected const string EventColumnsSql = "seq, message_id, source_id, type, name, user_id, anonymous_id, ts, received_at, payload";

    public async Task<IReadOnlyList<LoggedEvent>> ReadAfterAsync(long sequence, int max, CancellationToken cancellationToken)
    {
        await using var c = await OpenReadAsync(cancellationToken);
        return await Db.ListAsync(c, $"SELECT {EventColumnsSql} FROM events WHERE seq > @after ORDER BY seq LIMIT @max", ReadEvent, cancellationToken,
            ("after", sequence), ("max", max));
    }

    public async Task<long> LastSequenceAsync(CancellationToken cancellationToken)
    {
        await using var c = await OpenReadAsync(cancellationToken);
        return Convert.ToInt64(await Db.ScalarAsync(c, null, "SELECT COALESCE(MAX(seq), 0) FROM events", cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task<IReadOnlyList<LoggedEvent>> ProfileEventsAsync(EventQuery query, CancellationToken cancellationToken)
    {
        var profile = await GetProfileAsync(query.ProfileId, cancellationToken);
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
        await using var c = await OpenReadAsync(cancellationToken);
        return await Db.ListAsync(c, sql.ToString(), ReadEvent, cancellationToken, [.. parameters]);
    }

    protected static LoggedEvent ReadEvent(DbDataReader r) => ReadEvent(r, 0);

    /// <summary>Reads the columns of <see cref="EventColumnsSql"/> starting at column <paramref name="offset"/>.</summary>
    protected static LoggedEvent ReadEvent(DbDataReader r, int offset)
    {
        if (!EventTypes.TryParse(r.GetString(offset + 3), out var type))
            throw new InvalidDataException($"Event {r.GetInt64(offset + 0)} has unknown type '{r.GetString(offset + 3)}'.");
        return new LoggedEvent(r.GetInt64(offset + 0), new TailorEvent(
            MessageId: r.GetString(offset + 1),
            Type: type,
            Name: r.NullableString(offset + 4),
            UserId: r.NullableString(offset + 5),
            AnonymousId: r.NullableString(offset + 6),
            Timestamp: ProfileColumns.FromMs(r.GetInt64(offset + 7)),
            ReceivedAt: ProfileColumns.FromMs(r.GetInt64(offset + 8)),
            SourceId: r.GetString(offset + 2),
            Payload: r.GetString(offset + 9)));
    }

    // ---------------------------------------------------------------- profiles

    public async Task<IReadOnlyList<Profile>> LoadOwnersAsync(IReadOnlyCollection<ProfileIdentifier> identities, CancellationToken cancellationToken)
    {
        await using var c = await OpenReadAsync(cancellationToken);
        var ids = await OwnerIdsAsync(c, identities, cancellationToken);
        return [.. (await ReadProfilesAsync(c, [.. ids], liveOnly: false, withIdentities: true, cancellationToken)).Values];
    }

    /// <summary>The ids of the profiles owning any of <paramref name="identities"/>; one prepared lookup per identity.</summary>
    protected virtual async Task<IReadOnlySet<string>> OwnerIdsAsync(DbConnection c, IReadOnlyCollection<ProfileIdentifier> identities, CancellationToken ct)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        await using var command = Db.Command(c, null, "SELECT profile_id FROM identities WHERE type = @type AND value = @value", ("type", ""), ("value", ""));
        foreach (var identity in identities)
        {
            command.Parameters[0].Value = identity.Type;
            command.Parameters[1].Value = identity.Value;
            if (await command.ExecuteScalarAsync(ct) is string id) ids.Add(id);
        }
        return ids;
    }

    /// <summary>Profiles by id in one query (and their identities in a second), keyed by id; unknown ids are left out.</summary>
    protected static async Task<Dictionary<string, Profile>> ReadProfilesAsync(DbConnection c, IReadOnlyCollection<string> ids, bool liveOnly, bool withIdentities, CancellationToken ct)
    {
        var profiles = new Dictionary<string, Profile>(ids.Count, StringComparer.Ordinal);
        if (ids.Count == 0) return profiles;
        var (inList, parameters) = InList(ids);
        foreach (var profile in await Db.ListAsync(c, $"SELECT {ProfileColumnsSql} FROM profiles WHERE {(liveOnly ? "merged_into IS NULL AND " : "")}id IN ({inList})",
            ReadProfileRow, ct, parameters))
            profiles[profile.Id] = profile;
        if (!withIdentities) return profiles;
        foreach (var (profileId, identity) in await Db.ListAsync(c, $"SELECT profile_id, type, value FROM identities WHERE profile_id IN ({inList}) ORDER BY first_seen, type",
            r => (r.GetString(0), new ProfileIdentifier(r.GetString(1), r.GetString(2))), ct, parameters))
            if (profiles.TryGetValue(profileId, out var owner)) owner.Identities.Add(identity);
        return profiles;
    }

    /// <summary>An SQL list of parameters (<c>@p0, @p1, …</c>) for <paramref name="values"/>, with the parameters.</summary>
    protected static (string Sql, (string, object?)[] Parameters) InList(IEnumerable<string> values, string prefix = "p")
    {
        var sql = new System.Text.StringBuilder();
        var parameters = new List<(string, object?)>();
        foreach (var value in values)
        {
            sql.Append(parameters.Count == 0 ? "@" : ", @").Append(prefix).Append(parameters.Count);
            parameters.Add(($"{prefix}{parameters.Count}", value));
        }
        return (sql.ToString(), [.. parameters]);
    }

    public Task CommitAsync(ProfileChangeSet changes, CancellationToken cancellationToken)
    {
        var statements = new List<Statement>(changes.Profiles.Count + changes.Links.Count + changes.Assignments.Count + changes.TraitHistory.Count + 8);
        foreach (var p in changes.Profiles) statements.Add(UpsertProfile(p));
        const string link = """
            INSERT INTO identities (type, value, profile_id, first_seen) VALUES (@type, @value, @profile, @seen)
            ON CONFLICT (type, value) DO UPDATE SET profile_id = excluded.profile_id
            """;
        foreach (var l in changes.Links)
            statements.Add(new(link, ("type", l.Identity.Type), ("value", l.Identity.Value), ("profile", l.ProfileId), ("seen", Db.Ms(l.FirstSeen))));
        foreach (var a in changes.Assignments)
            statements.Add(new("UPDATE events SET profile_id = @profile WHERE seq = @seq", ("profile", a.ProfileId), ("seq", a.Sequence)));
        var history = $"INSERT INTO trait_history (profile_id, name, value, ts, source, message_id) VALUES (@profile, @name, {Json("@value")}, @ts, @source, @message)";
        foreach (var h in changes.TraitHistory)
            statements.Add(new(history, ("profile", h.ProfileId), ("name", h.Name), ("value", h.Value.GetRawText()), ("ts", Db.Ms(h.At)),
                ("source", h.Source), ("message", h.MessageId)));
        foreach (var m in changes.Merges)
        {
            (string, object?) winner = ("winner", m.WinnerId), loser = ("loser", m.LoserId);
            statements.Add(new("INSERT INTO merges (winner_id, loser_id, merged_at, message_id, reason, seq) VALUES (@winner, @loser, @at, @message, @reason, @seq)",
                winner, loser, ("at", Db.Ms(m.At)), ("message", m.MessageId), ("reason", m.Reason), ("seq", m.Sequence)));
            statements.AddRange(RecordMergedAway(m.LoserId)); // before the rows move: what an undo gives back
            statements.Add(new("UPDATE identities SET profile_id = @winner WHERE profile_id = @loser", winner, loser));
            statements.Add(new("UPDATE events SET profile_id = @winner WHERE profile_id = @loser", winner, loser));
            statements.Add(new("UPDATE trait_history SET profile_id = @winner WHERE profile_id = @loser", winner, loser));
            statements.Add(new("UPDATE profiles SET merged_into = @winner WHERE merged_into = @loser", winner, loser));
            // The merged-away profile leaves its segments (recorded); the survivor is re-evaluated by the segment engine.
            statements.Add(new("INSERT INTO segment_history (segment_id, profile_id, entered, at) SELECT segment_id, profile_id, @no, @at FROM segment_members WHERE profile_id = @loser",
                loser, ("no", false), ("at", Db.Ms(m.At))));
            statements.Add(new("""
                INSERT INTO segment_sizes (segment_id, at, size)
                SELECT m.segment_id, @at, (SELECT COUNT(*) FROM segment_members x WHERE x.segment_id = m.segment_id) - 1
                FROM segment_members m WHERE m.profile_id = @loser
                """, loser, ("at", Db.Ms(m.At))));
            statements.Add(new("DELETE FROM segment_members WHERE profile_id = @loser", loser));
            statements.Add(new("DELETE FROM segment_timers WHERE profile_id = @loser", loser));
        }
        foreach (var r in changes.Refusals) statements.Add(RecordRefusal(r));
        return WriteAsync(async (c, t) =>
        {
            await AdvancePositionAsync(c, t, ProfilesPipeline, changes.StartPosition, changes.Position, cancellationToken);
            foreach (var letter in changes.DeadLetters) statements.Add(InsertDeadLetter(letter));
            await ExecuteAllAsync(c, t, statements, cancellationToken);
            return 0;
        }, cancellationToken, background: true);
    }

    private string? _upsertProfileSql;

    /// <summary>Writes a profile row: inserted when new, else everything but its id and creation time replaced.</summary>
    private Statement UpsertProfile(Profile p)
    {
        _upsertProfileSql ??= $"""
            INSERT INTO profiles ({ProfileColumnsSql})
            VALUES (@id, @created, @updated, @merged, {Json("@traits")}, {Json("@times")}, {Json("@computed")}, {Json("@consent")}, {Json("@tags")})
            ON CONFLICT (id) DO UPDATE SET updated_at = excluded.updated_at, merged_into = excluded.merged_into,
                traits = excluded.traits, trait_times = excluded.trait_times, computed = excluded.computed,
                consent = excluded.consent, tags = excluded.tags
            """;
        return new(_upsertProfileSql, ("id", p.Id), ("created", Db.Ms(p.CreatedAt)), ("updated", Db.Ms(p.UpdatedAt)), ("merged", p.MergedInto),
            ("traits", ProfileColumns.Traits(p)), ("times", ProfileColumns.TraitTimes(p)), ("computed", ProfileColumns.Computed(p)),
            ("consent", ProfileColumns.Consent(p)), ("tags", ProfileColumns.Tags(p)));
    }

    /// <summary>
    /// Moves a pipeline's position from <paramref name="expected"/> to <paramref name="position"/>, first thing in the
    /// transaction; throws <see cref="PipelineConflictException"/> (and so rolls back) if another process moved it.
    /// </summary>
    protected static async Task AdvancePositionAsync(DbConnection c, DbTransaction t, string pipeline, long expected, long position, CancellationToken ct)
    {
        var moved = await Db.ExecuteAsync(c, t, "UPDATE pipeline_positions SET position = @position WHERE name = @name AND position = @expected", ct,
            ("position", position), ("name", pipeline), ("expected", expected));
        if (moved == 0 && expected == 0)
        {
            moved = await Db.ExecuteAsync(c, t, "INSERT INTO pipeline_positions (name, position) VALUES (@name, @position) ON CONFLICT (name) DO NOTHING", ct,
                ("name", pipeline), ("position", position));
        }
        if (moved == 0) throw new PipelineConflictException(pipeline, expected);
    }

    public async Task<long> PipelinePositionAsync(CancellationToken cancellationToken)
    {
        await using var c = await OpenReadAsync(cancellationToken);
        var value = await Db.ScalarAsync(c, null, "SELECT position FROM pipeline_positions WHERE name = @name", cancellationToken, ("name", ProfilesPipeline));
        return value is null ? 0 : Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task<Profile?> GetProfileAsync(string id, CancellationToken cancellationToken)
    {
        await using var c = await OpenReadAsync(cancellationToken);
        var profile = await ReadProfileAsync(c, id, cancellationToken);
        // Merges re-point older losers at the newest winner, so one hop reaches the live profile.
        return profile?.MergedInto is { } live ? await ReadProfileAsync(c, live, cancellationToken) : profile;
    }

    public async Task<Profile?> FindProfileAsync(ProfileIdentifier identity, CancellationToken cancellationToken)
    {
        await using var c = await OpenReadAsync(cancellationToken);
        var id = await Db.ScalarAsync(c, null, "SELECT profile_id FROM identities WHERE type = @type AND value = @value", cancellationToken,
            ("type", identity.Type), ("value", IdentityTypes.Normalize(identity.Type, identity.Value)));
        return id is string profileId ? await ReadProfileAsync(c, profileId, cancellationToken) : null;
    }

    public async Task<IReadOnlyList<Profile>> SearchByTraitAsync(string trait, JsonElement value, int limit, CancellationToken cancellationToken)
    {
        await using var c = await OpenReadAsync(cancellationToken);
        var ids = await Db.ListAsync(c, $"SELECT id FROM profiles WHERE merged_into IS NULL AND {TraitEqualsSql} ORDER BY id LIMIT @limit",
            r => r.GetString(0), cancellationToken, ("name", trait), ("value", value.GetRawText()), ("limit", limit));
        var profiles = await ReadProfilesAsync(c, ids, liveOnly: true, withIdentities: true, cancellationToken);
        return [.. ids.Where(profiles.ContainsKey).Select(id => profiles[id])];
    }

    public async Task<IReadOnlyList<TraitChange>> TraitHistoryAsync(string profileId, string? trait, CancellationToken cancellationToken)
    {
        await using var c = await OpenReadAsync(cancellationToken);
        var sql = "SELECT profile_id, name, value, ts, source, message_id FROM trait_history WHERE profile_id = @profile"
            + (trait is null ? "" : " AND name = @name") + " ORDER BY ts, id";
        (string, object?)[] parameters = trait is null ? [("profile", profileId)] : [("profile", profileId), ("name", trait)];
        return await Db.ListAsync(c, sql, r =>
        {
            using var value = JsonDocument.Parse(r.GetString(2));
            return new TraitChange(r.GetString(0), r.GetString(1), value.RootElement.Clone(), ProfileColumns.FromMs(r.GetInt64(3)), r.GetString(4), r.GetString(5));
        }, cancellationToken, parameters);
    }

    public async Task<IReadOnlyList<ProfileMerge>> MergesAsync(string profileId, CancellationToken cancellationToken)
    {
        await using var c = await OpenReadAsync(cancellationToken);
        return await Db.ListAsync(c, $"SELECT {MergeColumnsSql} FROM merges WHERE winner_id = @id OR loser_id = @id ORDER BY id",
            ReadMerge, cancellationToken, ("id", profileId));
    }

    public async Task<long> ProfileCountAsync(CancellationToken cancellationToken)
    {
        await using var c = await OpenReadAsync(cancellationToken);
        return Convert.ToInt64(await Db.ScalarAsync(c, null, "SELECT COUNT(*) FROM profiles WHERE merged_into IS NULL", cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Reads one profile row (the columns of <see cref="ProfileColumnsSql"/>, in order), without identities.</summary>
    protected static Profile ReadProfileRow(DbDataReader r) =>
        ProfileColumns.Read(r.GetString(0), r.GetInt64(1), r.GetInt64(2), r.NullableString(3),
            r.GetString(4), r.GetString(5), r.GetString(6), r.GetString(7), r.GetString(8));

    protected static async Task<Profile?> ReadProfileAsync(DbConnection c, string id, CancellationToken ct)
    {
        Profile? profile;
        await using (var command = Db.Command(c, null, $"SELECT {ProfileColumnsSql} FROM profiles WHERE id = @id", ("id", id)))
        await using (var r = await command.ExecuteReaderAsync(ct))
        {
            if (!await r.ReadAsync(ct)) return null;
            profile = ReadProfileRow(r);
        }
        await using (var command = Db.Command(c, null, "SELECT type, value FROM identities WHERE profile_id = @id ORDER BY first_seen, type", ("id", profile.Id)))
        await using (var r = await command.ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct)) profile.Identities.Add(new ProfileIdentifier(r.GetString(0), r.GetString(1)));
        }
        return profile;
    }

    // ---------------------------------------------------------------- sources, keys, imports

    public async Task<Source> CreateSourceAsync(string name, string writeKey, CancellationToken cancellationToken)
    {
        var source = new Source($"src_{Guid.CreateVersion7():N}", name, writeKey, StoredNow());
        await WriteAsync((c, t) => Db.ExecuteAsync(c, t, "INSERT INTO sources (id, name, write_key, created_at) VALUES (@id, @name, @key, @at)", cancellationToken,
            ("id", source.Id), ("name", name), ("key", writeKey), ("at", Db.Ms(source.CreatedAt))), cancellationToken);
        return source;
    }

    public async Task<IReadOnlyList<Source>> ListSourcesAsync(CancellationToken cancellationToken)
    {
        await using var c = await OpenReadAsync(cancellationToken);
        return await Db.ListAsync(c, "SELECT id, name, write_key, created_at, revoked_at FROM sources ORDER BY created_at, name", ReadSource, cancellationToken);
    }

    public Task<Source?> FindSourceByWriteKeyAsync(string writeKey, CancellationToken cancellationToken) =>
        FindSourceAsync("write_key", writeKey, cancellationToken);

    public Task<Source?> FindSourceByNameAsync(string name, CancellationToken cancellationToken) =>
        FindSourceAsync("name", name, cancellationToken);

    private async Task<Source?> FindSourceAsync(string column, string value, CancellationToken ct)
    {
        await using var c = await OpenReadAsync(ct);
        var list = await Db.ListAsync(c, $"SELECT id, name, write_key, created_at, revoked_at FROM sources WHERE {column} = @value", ReadSource, ct, ("value", value));
        return list.Count == 0 ? null : list[0];
    }

    public async Task<WriteKeyMatch?> FindWriteKeyAsync(string writeKey, CancellationToken cancellationToken)
    {
        await using var c = await OpenReadAsync(cancellationToken);
        var list = await Db.ListAsync(c, """
            SELECT id, name, write_key, created_at, revoked_at, NULL FROM sources WHERE write_key = @key
            UNION ALL
            SELECT s.id, s.name, s.write_key, s.created_at, s.revoked_at, r.expires_at FROM retired_write_keys r JOIN sources s ON s.id = r.source_id
            WHERE r.write_key = @key
            """, r => new WriteKeyMatch(ReadSource(r), r.IsDBNull(5) ? null : ProfileColumns.FromMs(r.GetInt64(5))), cancellationToken, ("key", writeKey));
        return list.Count == 0 ? null : list[0];
    }

    public Task<Source?> RotateWriteKeyAsync(string sourceId, string newWriteKey, DateTimeOffset oldKeyValidUntil, CancellationToken cancellationToken) =>
        WriteAsync(async (c, t) =>
        {
            var found = await Db.ListAsync(c, t, "SELECT id, name, write_key, created_at, revoked_at FROM sources WHERE id = @id", ReadSource, cancellationToken, ("id", sourceId));
            if (found.Count == 0) return null;
            var old = found[0];
            if (old.RevokedAt is null)
                await Db.ExecuteAsync(c, t, "INSERT INTO retired_write_keys (write_key, source_id, expires_at) VALUES (@key, @id, @until)", cancellationToken,
                    ("key", old.WriteKey), ("id", sourceId), ("until", Db.Ms(oldKeyValidUntil)));
            await Db.ExecuteAsync(c, t, "UPDATE sources SET write_key = @key, revoked_at = NULL WHERE id = @id", cancellationToken, ("key", newWriteKey), ("id", sourceId));
            return (Source?)(old with { WriteKey = newWriteKey, RevokedAt = null });
        }, cancellationToken);

    public Task<bool> RevokeSourceAsync(string sourceId, DateTimeOffset at, CancellationToken cancellationToken) =>
        WriteAsync(async (c, t) =>
        {
            await Db.ExecuteAsync(c, t, "DELETE FROM retired_write_keys WHERE source_id = @id", cancellationToken, ("id", sourceId));
            return await Db.ExecuteAsync(c, t, "UPDATE sources SET revoked_at = @at WHERE id = @id AND revoked_at IS NULL", cancellationToken,
                ("id", sourceId), ("at", Db.Ms(at))) > 0
                || await Db.ScalarAsync(c, t, "SELECT 1 FROM sources WHERE id = @id", cancellationToken, ("id", sourceId)) is not null;
        }, cancellationToken);

    /// <summary>Now, at the millisecond precision the store keeps, so a created record equals the one read back.</summary>
    private static DateTimeOffset StoredNow() => ProfileColumns.FromMs(Db.Ms(DateTimeOffset.UtcNow));

    private static Source ReadSource(DbDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), ProfileColumns.FromMs(r.GetInt64(3)), r.IsDBNull(4) ? null : ProfileColumns.FromMs(r.GetInt64(4)));

    public async Task<AdminKey> CreateAdminKeyAsync(string name, string keyHash, CancellationToken cancellationToken)
    {
        var key = new AdminKey($"key_{Guid.CreateVersion7():N}", name, StoredNow());
        await WriteAsync((c, t) => Db.ExecuteAsync(c, t, "INSERT INTO admin_keys (id, name, key_hash, created_at) VALUES (@id, @name, @hash, @at)", cancellationToken,
            ("id", key.Id), ("name", name), ("hash", keyHash), ("at", Db.Ms(key.CreatedAt))), cancellationToken);
        return key;
    }

    public async Task<AdminKey?> FindAdminKeyAsync(string keyHash, CancellationToken cancellationToken)
    {
        await using var c = await OpenReadAsync(cancellationToken);
        var list = await Db.ListAsync(c, $"SELECT {AdminKeyColumns} FROM admin_keys WHERE key_hash = @hash", ReadAdminKey, cancellationToken, ("hash", keyHash));
        return list.Count == 0 ? null : list[0];
    }

    public async Task<IReadOnlyList<AdminKey>> ListAdminKeysAsync(CancellationToken cancellationToken)
    {
        await using var c = await OpenReadAsync(cancellationToken);
        return await Db.ListAsync(c, $"SELECT {AdminKeyColumns} FROM admin_keys ORDER BY created_at", ReadAdminKey, cancellationToken);
    }

    public Task<AdminKey?> RotateAdminKeyAsync(string id, string newKeyHash, DateTimeOffset oldKeyValidUntil, CancellationToken cancellationToken) =>
        WriteAsync(async (c, t) =>
        {
            var found = await Db.ListAsync(c, t, $"SELECT {AdminKeyColumns} FROM admin_keys WHERE id = @id AND revoked_at IS NULL", ReadAdminKey, cancellationToken, ("id", id));
            if (found.Count == 0) return null;
            // A key already in its grace period keeps the earlier end.
            var until = found[0].ExpiresAt is { } earlier && earlier < oldKeyValidUntil ? earlier : oldKeyValidUntil;
            await Db.ExecuteAsync(c, t, "UPDATE admin_keys SET expires_at = @until WHERE id = @id", cancellationToken, ("id", id), ("until", Db.Ms(until)));
            var key = new AdminKey($"key_{Guid.CreateVersion7():N}", found[0].Name, StoredNow());
            await Db.ExecuteAsync(c, t, "INSERT INTO admin_keys (id, name, key_hash, created_at) VALUES (@id, @name, @hash, @at)", cancellationToken,
                ("id", key.Id), ("name", key.Name), ("hash", newKeyHash), ("at", Db.Ms(key.CreatedAt)));
            return (AdminKey?)key;
        }, cancellationToken);

    public Task<bool> RevokeAdminKeyAsync(string id, DateTimeOffset at, CancellationToken cancellationToken) =>
        WriteAsync(async (c, t) =>
            await Db.ExecuteAsync(c, t, "UPDATE admin_keys SET revoked_at = @at WHERE id = @id AND revoked_at IS NULL", cancellationToken, ("id", id), ("at", Db.Ms(at))) > 0
            || await Db.ScalarAsync(c, t, "SELECT 1 FROM admin_keys WHERE id = @id", cancellationToken, ("id", id)) is not null, cancellationToken);

    private const string AdminKeyColumns = "id, name, created_at, expires_at, revoked_at";

    private static AdminKey ReadAdminKey(DbDataReader r) => new(r.GetString(0), r.GetString(1), ProfileColumns.FromMs(r.GetInt64(2)),
        r.IsDBNull(3) ? null : ProfileColumns.FromMs(r.GetInt64(3)), r.IsDBNull(4) ? null : ProfileColumns.FromMs(r.GetInt64(4)));

    public async Task<ImportCheckpoint?> GetImportCheckpointAsync(string fileKey, CancellationToken cancellationToken)
    {
        await using var c = await OpenReadAsync(cancellationToken);
        var list = await Db.ListAsync(c, "SELECT file_key, path, lines_done, accepted, rejected, updated_at FROM imports WHERE file_key = @key",
            r => new ImportCheckpoint(r.GetString(0), r.GetString(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4), ProfileColumns.FromMs(r.GetInt64(5))),
            cancellationToken, ("key", fileKey));
        return list.Count == 0 ? null : list[0];
    }

    public Task SaveImportCheckpointAsync(ImportCheckpoint checkpoint, CancellationToken cancellationToken) =>
        WriteAsync((c, t) => Db.ExecuteAsync(c, t, """
            INSERT INTO imports (file_key, path, lines_done, accepted, rejected, updated_at) VALUES (@key, @path, @lines, @accepted, @rejected, @at)
            ON CONFLICT (file_key) DO UPDATE SET path = excluded.path, lines_done = excluded.lines_done,
                accepted = excluded.accepted, rejected = excluded.rejected, updated_at = excluded.updated_at
            """, cancellationToken, ("key", checkpoint.FileKey), ("path", checkpoint.Path), ("lines", checkpoint.LinesDone),
            ("accepted", checkpoint.Accepted), ("rejected", checkpoint.Rejected), ("at", Db.Ms(checkpoint.UpdatedAt))), cancellationToken);
}
