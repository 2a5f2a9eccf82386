using System.Data.Common;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Tailor.Core.Identity;
using Tailor.Core.Pipeline;
using Tailor.Core.Privacy;
using Tailor.Core.Storage;
using Tailor.Storage.DeadLetters;
using Tailor.Storage.Relational;

namespace Tailor.Storage.Privacy;

/// <summary>
/// Erasure, suppression entries, event retention and consent history. Erasure and retention are the sanctioned
/// exceptions to the append-only log: they delete the rows. The newest row is never deleted: SQLite hands out
/// <c>max(seq) + 1</c> to the next append, so its sequence would go to another event that a follower already past it
/// would skip, and on both stores the log's position (<c>MAX(seq)</c>, shown as the pipeline's lag) would go back. It is
/// overwritten with an empty tombstone instead (<see cref="Tombstone"/>: a track named <c>Erased</c> without identity or properties), and retention leaves it be.
/// </summary>
internal sealed class SqlPrivacyStore(SqlDatabase db) : IPrivacyStore
{
    /// <summary>The tables whose rows belong to one profile by a <c>profile_id</c> column, deleted with it.</summary>
    internal static readonly string[] ProfileTables =
    [
        "identities", "trait_history", "consent_history", "segment_members", "segment_history", "segment_timers", "trigger_runs", "trigger_log",
        "trigger_deliveries", "contacts", "campaign_recipients", "experiment_exposures", "experiment_units", "experiment_unit_values",
        "profile_recommendations", "profile_refusals", "merge_absorbed",
    ];

    /// <summary>Identifier values are matched in dead letters and refusals only this long or longer (shorter ones match too much).</summary>
    private const int MinQuotedLength = 1;

    private bool Sqlite => db.Kind == "sqlite";

    /// <summary>Stands in an empty IN list: no identifier or event name is this (PostgreSQL text cannot hold NUL).</summary>
    private const string NoMatch = "\u0001";

    /// <summary>The tables a follower can write a profile's rows to: each has a guard (migration 0039) that drops a row of an erased profile.</summary>
    internal static IEnumerable<string> GuardedTables => ProfileTables.Append("event_profiles").Append("profiles");

    /// <summary>How often an erasure that PostgreSQL chose as a deadlock's victim (its table locks against a follower's row writes) is tried again.</summary>
    private const int DeadlockAttempts = 5;

    /// <remarks>
    /// On SQLite the erasure runs inside the audit journal's <see cref="Audit.SqliteAuditJournal.ExclusiveAsync{T}"/>:
    /// every audit entry answered before it is in <c>audit_log</c> first, so the identifiers it quotes are cut out below,
    /// and entries answered meanwhile wait for it, as they waited for the single writer before the journal.
    /// </remarks>
    public Task<ErasureResult> EraseAsync(ErasureRequest request, CancellationToken cancellationToken) =>
        db.AuditJournal is { } journal ? journal.ExclusiveAsync(() => EraseNowAsync(request, cancellationToken), cancellationToken) : EraseNowAsync(request, cancellationToken);

    private async Task<ErasureResult> EraseNowAsync(ErasureRequest request, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var rows = await db.WriteAsync(async (c, t) =>
                {
                    var secure = Sqlite ? await SecureDeleteAsync(c, t, null, cancellationToken) : null;
                    try { return await EraseAsync(c, t, request, cancellationToken); }
                    finally { if (secure is { } previous) await SecureDeleteAsync(c, t, previous, cancellationToken); }
                }, cancellationToken);
                if (!Sqlite) await VacuumAsync(rows, cancellationToken);
                return new ErasureResult(rows, await db.TruncateWriteAheadLogAsync()); // after the commit: not cancelled with the request
            }
            catch (DbException e) when (e.SqlState == "40P01" && attempt < DeadlockAttempts) { }
        }
    }

    private async Task<Dictionary<string, long>> EraseAsync(DbConnection c, DbTransaction t, ErasureRequest request, CancellationToken ct)
    {
        var rows = new Dictionary<string, long>(StringComparer.Ordinal);
        await FenceAsync(c, t, request, ct);
        async Task Run(string table, string sql, params (string, object?)[] parameters)
        {
            var n = await Db.ExecuteAsync(c, t, sql, ct, parameters);
            rows[table] = rows.GetValueOrDefault(table) + n;
        }
        var (ids, idParameters) = Db.InList(request.ProfileIds, "pid");
        var users = request.Identities.Where(i => i.Type == IdentityTypes.UserId).Select(i => i.Value).ToList();
        var anonymous = request.Identities.Where(i => i.Type == IdentityTypes.AnonymousId).Select(i => i.Value).ToList();
        var (userList, userParameters) = Db.InList(users.DefaultIfEmpty(NoMatch), "uid");
        var (anonymousList, anonymousParameters) = Db.InList(anonymous.DefaultIfEmpty(NoMatch), "aid");
        (string, object?)[] all = [.. idParameters, .. userParameters, .. anonymousParameters];
        var theirs = $"(seq IN (SELECT seq FROM event_profiles WHERE profile_id IN ({ids})) OR user_id IN ({userList}) OR anonymous_id IN ({anonymousList}))";

        // The event log: every event assigned to them or sent under their user or anonymous id.
        var newest = Convert.ToInt64(await Db.ScalarAsync(c, t, "SELECT COALESCE(MAX(seq), 0) FROM event_log", ct), CultureInfo.InvariantCulture);
        if (await Db.ScalarAsync(c, t, $"SELECT 1 FROM event_log WHERE seq = @newest AND {theirs}", ct, [.. all, ("newest", newest)]) is not null)
        {
            await Run("event_log", Tombstone(db), ("seq", newest), ("message", $"erased:{newest}"), ("payload", TombstonePayload(newest)));
            await Db.ExecuteAsync(c, t, "DELETE FROM event_profiles WHERE seq = @seq", ct, ("seq", newest));
        }
        await Run("event_log", $"DELETE FROM event_log WHERE seq < @newest AND {theirs}", [.. all, ("newest", newest)]);
        await Run("event_profiles", $"DELETE FROM event_profiles WHERE profile_id IN ({ids})", idParameters);

        // Merges they took part in, with what each kept for an undo.
        var merges = $"SELECT id FROM merges WHERE winner_id IN ({ids}) OR loser_id IN ({ids})";
        foreach (var table in (string[])["merge_identities", "merge_events", "merge_absorbed"])
            await Run(table, $"DELETE FROM {table} WHERE merge_id IN ({merges})", idParameters);
        foreach (var identity in request.Identities)
            await Run("merge_identities", "DELETE FROM merge_identities WHERE type = @type AND value = @value", ("type", identity.Type), ("value", identity.Value));
        await Run("merges", $"DELETE FROM merges WHERE winner_id IN ({ids}) OR loser_id IN ({ids})", idParameters);

        // Experiment sums lose the person's contribution before their unit rows go, so results stay those of the others.
        await Run("experiment_arm_sums", $"""
            UPDATE experiment_arm_sums SET s0 = s0 - v.n, s1 = s1 - v.y, s2 = s2 - v.yy, s3 = s3 - v.x, s4 = s4 - v.xx, s5 = s5 - v.xy, s6 = s6 - v.d,
                s7 = s7 - v.dd, s8 = s8 - v.yd, s9 = s9 - v.xd, s10 = s10 - v.xdxd, s11 = s11 - v.xxd, s12 = s12 - v.yxd, s13 = s13 - v.dx, s14 = s14 - v.dxd
            FROM (SELECT experiment_key AS k, metric AS m, arm AS a, COUNT(*) AS n, SUM(y) AS y, SUM(y * y) AS yy, SUM(x) AS x, SUM(x * x) AS xx, SUM(x * y) AS xy,
                    SUM(d) AS d, SUM(d * d) AS dd, SUM(y * d) AS yd, SUM(xd) AS xd, SUM(xd * xd) AS xdxd, SUM(x * xd) AS xxd, SUM(y * xd) AS yxd,
                    SUM(d * x) AS dx, SUM(d * xd) AS dxd
                FROM experiment_unit_values WHERE profile_id IN ({ids}) GROUP BY experiment_key, metric, arm) v
            WHERE experiment_arm_sums.experiment_key = v.k AND experiment_arm_sums.metric = v.m AND experiment_arm_sums.arm = v.a
            """, idParameters);
        await Run("experiment_arm_units", $"""
            UPDATE experiment_arm_units SET units = experiment_arm_units.units - v.n, changed = experiment_arm_units.changed - v.ch
            FROM (SELECT experiment_key AS k, arm AS a, COUNT(*) AS n, SUM(CASE WHEN changed THEN 1 ELSE 0 END) AS ch FROM experiment_units WHERE profile_id IN ({ids}) GROUP BY experiment_key, arm) v
            WHERE experiment_arm_units.experiment_key = v.k AND experiment_arm_units.arm = v.a
            """, idParameters);

        // Segments they leave: the sizes over time go down by one, like a merge's.
        await Run("segment_sizes", $"""
            INSERT INTO segment_sizes (segment_id, at, size)
            SELECT m.segment_id, @at, (SELECT COUNT(*) FROM segment_members x WHERE x.segment_id = m.segment_id) - 1
            FROM segment_members m WHERE m.profile_id IN ({ids})
            """, [.. idParameters, ("at", Db.Ms(request.At))]);

        foreach (var table in ProfileTables)
            await Run(table, $"DELETE FROM {table} WHERE profile_id IN ({ids})", idParameters);
        await Run("profiles", $"DELETE FROM profiles WHERE id IN ({ids})", idParameters);

        // Texts that quote an identifier: dead letters (a failed event's payload), refusals, the audit trail's paths.
        var needles = Needles(request).ToList();
        foreach (var needle in needles)
            await Run("profile_refusals", $"DELETE FROM profile_refusals WHERE {Contains("detail")}", ("pattern", "%" + EscapeLike(needle) + "%"));
        // A dead letter's payload is encrypted at rest, so it is read back and searched in the clear here, not with LIKE.
        var letters = await Db.ListAsync(c, t, "SELECT id, stage, item_key, payload FROM dead_letters",
            r => (Id: r.GetInt64(0), Stage: r.GetString(1), Key: r.GetString(2), Payload: r.GetString(3)), ct);
        foreach (var letter in letters)
        {
            var text = db.Protection.RevealText(letter.Payload, "", SqlDeadLetterStore.Scope(letter.Stage, letter.Key)) ?? "";
            if (needles.Any(n => text.Contains(n, StringComparison.OrdinalIgnoreCase) || letter.Key.Contains(n, StringComparison.OrdinalIgnoreCase)))
                await Run("dead_letters", "DELETE FROM dead_letters WHERE id = @id", ("id", letter.Id));
        }
        // The audit trail keeps what was done, with the identifier cut out (in any case: an email in a path keeps its capitals).
        foreach (var identity in request.Identities.Where(i => i.Value.Length >= 3))
        {
            var pattern = ("pattern", "%" + EscapeLike(identity.Value) + "%");
            var quoting = await Db.ListAsync(c, t, $"SELECT seq, action, target FROM audit_log WHERE {Contains("action")} OR {Contains("target")}",
                r => (Seq: r.GetInt64(0), Action: r.GetString(1), Target: r.NullableString(2)), ct, pattern);
            foreach (var (seq, action, target) in quoting)
                await Run("audit_log", "UPDATE audit_log SET action = @action, target = @target WHERE seq = @seq", ("seq", seq),
                    ("action", action.Replace(identity.Value, "[erased]", StringComparison.OrdinalIgnoreCase)),
                    ("target", target?.Replace(identity.Value, "[erased]", StringComparison.OrdinalIgnoreCase)));
        }

        await RedactAnalyticsAsync(c, t, request, Run, ct);

        foreach (var s in request.Suppressions)
            await Db.ExecuteAsync(c, t, "INSERT INTO suppressions (hash, identity_type, created_at) VALUES (@hash, @type, @at) ON CONFLICT (hash) DO NOTHING", ct,
                ("hash", s.Hash), ("type", s.IdentityType), ("at", Db.Ms(request.At)));
        await AddAsync(c, t, PrivacyCounters.Erasures, 1, ct);
        return rows;
    }

    /// <summary>
    /// The fence against followers (docs/privacy.md, "Followers after an erasure"): the erased ids go into
    /// <c>erased_profiles</c>, whose guard on every profile table drops a row a follower writes for them later, in the
    /// follower's own transaction. SQLite has one writer, so a follower's commit is wholly before or after this one.
    /// PostgreSQL runs writers side by side: the tables are locked against writers first, which waits for every
    /// follower transaction already writing them (its rows are then seen and deleted here) and holds back the next
    /// until this commits (its guard then finds the ids). Reads go on meanwhile.
    /// </summary>
    private async Task FenceAsync(DbConnection c, DbTransaction t, ErasureRequest request, CancellationToken ct)
    {
        if (!Sqlite) await Db.ExecuteAsync(c, t, $"LOCK TABLE {string.Join(", ", GuardedTables)} IN SHARE ROW EXCLUSIVE MODE", ct);
        foreach (var id in request.ProfileIds)
            await Db.ExecuteAsync(c, t, "INSERT INTO erased_profiles (id, erased_at) VALUES (@id, @at) ON CONFLICT (id) DO NOTHING", ct,
                ("id", id), ("at", Db.Ms(request.At)));
    }

    /// <summary>
    /// Analytics runs keep their results and charts (aggregates, not the person's data), but a text that names the
    /// person — an identifier or a profile id in a run's parameters, result or error, or in a text artefact (SVG, CSV,
    /// JSON) — has it replaced by <c>[erased]</c>, as in the audit trail. Runs are few (each an explicit job), so all are read.
    /// </summary>
    private static async Task RedactAnalyticsAsync(DbConnection c, DbTransaction t, ErasureRequest request,
        Func<string, string, (string, object?)[], Task> run, CancellationToken ct)
    {
        var values = request.Identities.Select(i => i.Value).Where(v => v.Length >= 3).Concat(request.ProfileIds).Distinct(StringComparer.Ordinal).ToList();
        if (values.Count == 0) return;
        string? Redacted(string? text)
        {
            if (text is null) return null;
            var result = text;
            foreach (var value in values) result = result.Replace(value, "[erased]", StringComparison.OrdinalIgnoreCase);
            return result;
        }
        var runs = await Db.ListAsync(c, t, "SELECT id, parameters, result, error FROM analytics_runs",
            r => (Id: r.GetString(0), Parameters: r.GetString(1), Result: r.NullableString(2), Error: r.NullableString(3)), ct);
        foreach (var (id, parameters, result, error) in runs)
        {
            var (p, r, e) = (Redacted(parameters)!, Redacted(result), Redacted(error));
            if (p == parameters && r == result && e == error) continue;
            await run("analytics_runs", "UPDATE analytics_runs SET parameters = @p, result = @r, error = @e WHERE id = @id", [("p", p), ("r", r), ("e", e), ("id", id)]);
        }
        var artifacts = await Db.ListAsync(c, t, "SELECT run_id, name, media_type, content FROM analytics_artifacts",
            r => (Run: r.GetString(0), Name: r.GetString(1), Type: r.GetString(2), Content: (byte[])r.GetValue(3)), ct);
        foreach (var (runId, name, type, content) in artifacts)
        {
            if (!IsText(type)) continue; // a binary artefact (a serialized model) holds numbers, not names
            var text = System.Text.Encoding.UTF8.GetString(content);
            if (Redacted(text) is not { } redacted || redacted == text) continue;
            await run("analytics_artifacts", "UPDATE analytics_artifacts SET content = @content WHERE run_id = @run AND name = @name",
                [("content", System.Text.Encoding.UTF8.GetBytes(redacted)), ("run", runId), ("name", name)]);
        }

        static bool IsText(string mediaType) => mediaType.StartsWith("text/", StringComparison.OrdinalIgnoreCase)
            || mediaType.Contains("json", StringComparison.OrdinalIgnoreCase) || mediaType.Contains("xml", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>An identifier as it stands in JSON (quoted), or after its type (<c>email:…</c>) in a refusal; and each profile id.</summary>
    private static IEnumerable<string> Needles(ErasureRequest request)
    {
        var needles = new HashSet<string>(StringComparer.Ordinal);
        foreach (var identity in request.Identities)
        {
            if (identity.Value.Length < MinQuotedLength) continue;
            needles.Add(JsonSerializer.Serialize(identity.Value));
            needles.Add($"{identity.Type}:{identity.Value}");
        }
        foreach (var id in request.ProfileIds) needles.Add(id);
        return needles;
    }

    private string Contains(string column) => Sqlite ? $"{column} LIKE @pattern ESCAPE '\\'" : $"{column} ILIKE @pattern ESCAPE '\\'";

    private static string EscapeLike(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal)
        .Replace("_", "\\_", StringComparison.Ordinal);

    /// <summary>The newest row of the log, emptied: a track without identity that every follower passes over.</summary>
    private static string Tombstone(SqlDatabase db) =>
        $"UPDATE event_log SET message_id = @message, type = 'track', name = 'Erased', user_id = NULL, anonymous_id = NULL, payload = {(db.Kind == "sqlite" ? "@payload" : "CAST(@payload AS json)")} WHERE seq = @seq";

    private static string TombstonePayload(long seq) => $$"""{"type":"track","event":"Erased","messageId":"erased:{{seq}}"}""";

    /// <summary>Sets SQLite's secure_delete (deleted content overwritten with zeros); with null, turns it on and answers what it was.</summary>
    private static async Task<bool?> SecureDeleteAsync(DbConnection c, DbTransaction t, bool? restore, CancellationToken ct)
    {
        if (restore is { } value)
        {
            await Db.ExecuteAsync(c, t, $"PRAGMA secure_delete = {(value ? 1 : 0)}", ct);
            return null;
        }
        var previous = Convert.ToInt64(await Db.ScalarAsync(c, t, "PRAGMA secure_delete", ct), CultureInfo.InvariantCulture) == 1;
        await Db.ExecuteAsync(c, t, "PRAGMA secure_delete = 1", ct);
        return previous;
    }

    /// <summary>
    /// PostgreSQL keeps deleted rows as dead tuples, and their index entries (an index on <c>user_id</c> holds the
    /// value), until a vacuum. The tables the erasure changed are vacuumed at once, indexes included
    /// (<c>INDEX_CLEANUP ON</c>: the default may skip them when few rows died), so their space is marked free and the
    /// index entries go; the bytes of a freed tuple stay in its page until a later write reuses the space, and the
    /// server's WAL and backups keep what they hold (docs/privacy.md, "Files"). The erasure has committed by now: a
    /// vacuum that fails (the command's 30-second limit on a very large table, or a role that may not vacuum) leaves
    /// that table to autovacuum and does not undo the answer. The event log goes last: it is the largest.
    /// </summary>
    private async Task VacuumAsync(IReadOnlyDictionary<string, long> rows, CancellationToken ct)
    {
        var tables = rows.Where(r => r.Value > 0).Select(r => r.Key).OrderBy(t => t == "event_log").ThenBy(t => t, StringComparer.Ordinal).ToList();
        await using var c = await db.OpenReadAsync(ct);
        foreach (var table in tables)
        {
            try { await Db.ExecuteAsync(c, null, $"VACUUM (INDEX_CLEANUP ON) {table}", ct); }
            catch (DbException) when (!ct.IsCancellationRequested) { }
        }
    }

    private static Task AddAsync(DbConnection c, DbTransaction t, string name, long by, CancellationToken ct) =>
        Db.ExecuteAsync(c, t, "INSERT INTO privacy_counters (name, value) VALUES (@name, @by) ON CONFLICT (name) DO UPDATE SET value = privacy_counters.value + excluded.value", ct,
            ("name", name), ("by", by));

    public async Task<bool> AnySuppressionsAsync(CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        return await Db.ScalarAsync(c, null, "SELECT 1 FROM suppressions LIMIT 1", cancellationToken) is not null;
    }

    public async Task<IReadOnlySet<string>> SuppressedAsync(IReadOnlyCollection<string> hashes, CancellationToken cancellationToken)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        if (hashes.Count == 0) return found;
        await using var c = await db.OpenReadAsync(cancellationToken);
        foreach (var chunk in hashes.Chunk(500))
        {
            var (list, parameters) = Db.InList(chunk);
            foreach (var hash in await Db.ListAsync(c, $"SELECT hash FROM suppressions WHERE hash IN ({list})", r => r.GetString(0), cancellationToken, parameters))
                found.Add(hash);
        }
        return found;
    }

    public Task<int> RemoveSuppressionsAsync(IReadOnlyCollection<string> hashes, CancellationToken cancellationToken)
    {
        if (hashes.Count == 0) return Task.FromResult(0);
        var (list, parameters) = Db.InList(hashes);
        return db.WriteAsync((c, t) => Db.ExecuteAsync(c, t, $"DELETE FROM suppressions WHERE hash IN ({list})", cancellationToken, parameters), cancellationToken);
    }

    public async Task<long> CounterAsync(string name, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        return Convert.ToInt64(await Db.ScalarAsync(c, null, "SELECT value FROM privacy_counters WHERE name = @name", cancellationToken, ("name", name)) ?? 0L,
            CultureInfo.InvariantCulture);
    }

    public async Task<int> DeleteEventsAsync(string name, IReadOnlyCollection<string> named, DateTimeOffset before, long upTo, int max, CancellationToken cancellationToken)
    {
        // Found on a read connection (a scan may be long), deleted by sequence in a short write.
        var parameters = new List<(string, object?)> { ("before", Db.Ms(before)), ("upTo", upTo), ("max", max) };
        string which;
        if (name == EventRetentionPolicy.Others)
        {
            var (list, inList) = Db.InList(named.DefaultIfEmpty(NoMatch), "n");
            parameters.AddRange(inList);
            which = $"NOT ((type = 'track' AND name IN ({list})) OR (type <> 'track' AND type IN ({list})))";
        }
        else
        {
            parameters.Add(("name", name));
            which = "((type = 'track' AND name = @name) OR (type <> 'track' AND type = @name))";
        }
        List<long> seqs;
        await using (var c = await db.OpenReadAsync(cancellationToken))
            seqs = await Db.ListAsync(c, $"""
                SELECT seq FROM event_log WHERE seq <= @upTo AND seq < (SELECT MAX(seq) FROM event_log) AND ts < @before AND {which} ORDER BY seq LIMIT @max
                """, r => r.GetInt64(0), cancellationToken, [.. parameters]);
        if (seqs.Count == 0) return 0;
        var (seqList, seqParameters) = Db.InList(seqs.Select(s => s.ToString(CultureInfo.InvariantCulture)), "s");
        (string, object?)[] typed = [.. seqParameters.Select(p => (p.Item1, (object?)long.Parse((string)p.Item2!, CultureInfo.InvariantCulture)))];
        return await db.WriteAsync(async (c, t) =>
        {
            await Db.ExecuteAsync(c, t, $"DELETE FROM event_profiles WHERE seq IN ({seqList})", cancellationToken, typed);
            var deleted = await Db.ExecuteAsync(c, t, $"DELETE FROM event_log WHERE seq IN ({seqList})", cancellationToken, typed);
            await AddAsync(c, t, "retention_deleted", deleted, cancellationToken);
            return deleted;
        }, cancellationToken, background: true);
    }

    public Task SaveRetentionRunAsync(RetentionRun run, CancellationToken cancellationToken) =>
        db.WriteAsync((c, t) => Db.ExecuteAsync(c, t, """
            INSERT INTO retention_runs (name, at, deleted, error) VALUES ('events', @at, @deleted, @error)
            ON CONFLICT (name) DO UPDATE SET at = excluded.at, deleted = excluded.deleted, error = excluded.error
            """, cancellationToken, ("at", Db.Ms(run.At)), ("deleted", run.Deleted), ("error", run.Error)), cancellationToken);

    public async Task<RetentionRun?> LastRetentionRunAsync(CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        var runs = await Db.ListAsync(c, "SELECT at, deleted, error FROM retention_runs WHERE name = 'events'",
            r => new RetentionRun(ProfileColumns.FromMs(r.GetInt64(0)), r.GetInt64(1), r.NullableString(2)), cancellationToken);
        return runs.Count == 0 ? null : runs[0];
    }

    public async Task<IReadOnlyList<ConsentChange>> ConsentHistoryAsync(string profileId, int limit, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        return await Db.ListAsync(c, """
            SELECT id, profile_id, purpose, granted, at, source, location, version, message_id FROM consent_history
            WHERE profile_id = @profile ORDER BY id LIMIT @limit
            """, r => new ConsentChange(r.GetString(1), r.GetString(2), r.GetBoolean(3), ProfileColumns.FromMs(r.GetInt64(4)), r.GetString(5), r.NullableString(6),
                r.NullableString(7), r.GetString(8)) { Id = r.GetInt64(0) }, cancellationToken, ("profile", profileId), ("limit", limit));
    }

    /// <summary>
    /// The profile pipeline's part of privacy, in its commit: the batch's consent changes (re-pointed by its merges), and
    /// the events it dropped for a suppressed identifier deleted from the log and counted.
    /// </summary>
    internal static async Task CommitPipelineAsync(SqlDatabase db, DbConnection c, DbTransaction t, ProfileChangeSet changes, CancellationToken ct)
    {
        if (changes.ConsentHistory.Count > 0)
        {
            var statements = new List<Statement>(changes.ConsentHistory.Count + changes.Merges.Count);
            const string insert = """
                INSERT INTO consent_history (profile_id, purpose, granted, at, source, location, version, message_id)
                VALUES (@profile, @purpose, @granted, @at, @source, @location, @version, @message)
                """;
            foreach (var h in changes.ConsentHistory)
                statements.Add(new(insert, ("profile", h.ProfileId), ("purpose", h.Purpose), ("granted", h.Granted), ("at", Db.Ms(h.At)), ("source", h.Source),
                    ("location", h.Where), ("version", h.Version), ("message", h.MessageId)));
            await db.ExecuteAllAsync(c, t, statements, ct);
        }
        foreach (var m in changes.Stage == Core.Pipeline.FoldStage.Identities ? [] : changes.Merges) // split, it moves with the state, in the partition
            await Db.ExecuteAsync(c, t, "UPDATE consent_history SET profile_id = @winner WHERE profile_id = @loser", ct, ("winner", m.WinnerId), ("loser", m.LoserId));
        if (changes.Suppressed.Count == 0) return;
        var newest = Convert.ToInt64(await Db.ScalarAsync(c, t, "SELECT COALESCE(MAX(seq), 0) FROM event_log", ct), CultureInfo.InvariantCulture);
        foreach (var seq in changes.Suppressed)
        {
            if (seq == newest)
                await Db.ExecuteAsync(c, t, Tombstone(db), ct, ("seq", seq), ("message", $"erased:{seq}"), ("payload", TombstonePayload(seq)));
            else await Db.ExecuteAsync(c, t, "DELETE FROM event_log WHERE seq = @seq", ct, ("seq", seq));
            await Db.ExecuteAsync(c, t, "DELETE FROM event_profiles WHERE seq = @seq", ct, ("seq", seq));
        }
        await AddAsync(c, t, PrivacyCounters.SuppressedEvents, changes.Suppressed.Count, ct);
    }
}
