using System.Data.Common;
using System.Globalization;
using Tailor.Core.Events;
using Tailor.Core.Storage;
using Tailor.Core.Triggers;
using Tailor.Storage.DeadLetters;
using Tailor.Storage.Events;
using Tailor.Storage.Positions;
using Tailor.Storage.Relational;

namespace Tailor.Storage.Triggers;

/// <summary>
/// Triggers: definitions, journey runs and their timers, the execution log, the outbox of deliveries. Owns the trigger
/// engine's commit: runs, log lines, deliveries, contacts and the engine's position, in one transaction.
/// </summary>
internal sealed class SqlTriggerStore(SqlDatabase db) : ITriggerStore
{
    private const string RunColumnsSql = "id, trigger_id, profile_id, step, status, entered_at, due_at, waiting_for, outcome, ended_at, version, start_event";
    private const string DeliveryColumnsSql = "id, run_id, trigger_id, profile_id, kind, payload, status, attempts, max_attempts, due_at, last_error, created_at";

    public Task SaveTriggerAsync(StoredTrigger trigger, CancellationToken cancellationToken) =>
        db.WriteAsync(async (c, t) =>
        {
            await Db.ExecuteAsync(c, t, """
            INSERT INTO triggers (id, name, definition, enabled, secret, created_at, updated_at) VALUES (@id, @name, @definition, @enabled, @secret, @created, @updated)
            ON CONFLICT (id) DO UPDATE SET name = excluded.name, definition = excluded.definition, enabled = excluded.enabled, updated_at = excluded.updated_at
            """, cancellationToken, ("id", trigger.Id), ("name", trigger.Name), ("definition", trigger.Definition), ("enabled", trigger.Enabled),
            ("secret", trigger.Secret), ("created", Db.Ms(trigger.CreatedAt)), ("updated", Db.Ms(trigger.UpdatedAt)));
            await DefinitionVersions.RaiseAsync(c, t, DefinitionVersions.Triggers, cancellationToken);
            return 0;
        }, cancellationToken);

    public Task<long> DefinitionsVersionAsync(CancellationToken cancellationToken) => DefinitionVersions.ReadAsync(db, DefinitionVersions.Triggers, cancellationToken);

    public async Task<IReadOnlyList<StoredTrigger>> ListTriggersAsync(CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        return await Db.ListAsync(c, "SELECT id, name, definition, enabled, secret, created_at, updated_at FROM triggers ORDER BY name", ReadTrigger, cancellationToken);
    }

    public async Task<StoredTrigger?> GetTriggerAsync(string id, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        var found = await Db.ListAsync(c, "SELECT id, name, definition, enabled, secret, created_at, updated_at FROM triggers WHERE id = @id", ReadTrigger, cancellationToken, ("id", id));
        return found.Count == 0 ? null : found[0];
    }

    private static StoredTrigger ReadTrigger(DbDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetBoolean(3), r.GetString(4), ProfileColumns.FromMs(r.GetInt64(5)), ProfileColumns.FromMs(r.GetInt64(6)));

    public Task<IReadOnlyList<AssignedEvent>> AssignedEventsAsync(long after, long upTo, int max, CancellationToken cancellationToken) =>
        AssignedEventsAsync(after, upTo, max, static _ => true, cancellationToken);

    public async Task<IReadOnlyList<AssignedEvent>> AssignedEventsAsync(long after, long upTo, int max, Func<TailorEvent, bool> opened, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        // From the two tables, not the view "events": on SQLite the view decodes each payload in a SQL function (a
        // managed call from native code, the text copied out and back); ReadEvent decodes the stored form itself.
        return await Db.ListAsync(c, """
            SELECT p.profile_id, l.seq, l.message_id, l.source_id, l.type, l.name, l.user_id, l.anonymous_id, l.ts, l.received_at, l.payload
            FROM event_profiles p JOIN event_log l ON l.seq = p.seq
            WHERE p.seq > @after AND p.seq <= @upTo ORDER BY p.seq LIMIT @max
            """,
            r =>
            {
                var logged = SqlEventLog.ReadEvent(db, r, 1, reveal: false);
                var e = logged.Event;
                if (opened(e)) e = e with { Payload = db.RevealPayload(e.Payload, e.SourceId, e.MessageId) };
                return new AssignedEvent(logged.Sequence, r.GetString(0), e);
            }, cancellationToken, ("after", after), ("upTo", upTo), ("max", max));
    }

    public async Task<IReadOnlyList<SegmentChangeEntry>> SegmentChangesAfterAsync(long afterId, int max, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        return await Db.ListAsync(c, "SELECT id, segment_id, profile_id, entered, at FROM segment_history WHERE id > @after ORDER BY id LIMIT @max",
            r => new SegmentChangeEntry(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetBoolean(3), ProfileColumns.FromMs(r.GetInt64(4))), cancellationToken,
            ("after", afterId), ("max", max));
    }

    public async Task<IReadOnlyList<JourneyRun>> WaitingRunsAsync(IReadOnlyList<string> profileIds, CancellationToken cancellationToken)
    {
        if (profileIds.Count == 0) return [];
        var result = new List<JourneyRun>();
        await using var c = await db.OpenReadAsync(cancellationToken);
        foreach (var page in profileIds.Chunk(500))
        {
            var (inList, parameters) = Db.InList(page);
            result.AddRange(await Db.ListAsync(c, $"SELECT {RunColumnsSql} FROM trigger_runs WHERE status = 'waiting' AND profile_id IN ({inList})", ReadRun, cancellationToken, parameters));
        }
        return result;
    }

    public async Task<IReadOnlyDictionary<(string TriggerId, string ProfileId), DateTimeOffset>> LastEntriesAsync(IReadOnlyList<string> profileIds, CancellationToken cancellationToken)
    {
        var result = new Dictionary<(string, string), DateTimeOffset>();
        if (profileIds.Count == 0) return result;
        await using var c = await db.OpenReadAsync(cancellationToken);
        foreach (var page in profileIds.Chunk(500))
        {
            var (inList, parameters) = Db.InList(page);
            foreach (var (trigger, profile, at) in await Db.ListAsync(c,
                $"SELECT trigger_id, profile_id, MAX(entered_at) FROM trigger_runs WHERE profile_id IN ({inList}) GROUP BY trigger_id, profile_id",
                r => (r.GetString(0), r.GetString(1), r.GetInt64(2)), cancellationToken, parameters))
                result[(trigger, profile)] = ProfileColumns.FromMs(at);
        }
        return result;
    }

    public async Task<IReadOnlyList<JourneyRun>> DueRunsAsync(DateTimeOffset upTo, int max, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        return await Db.ListAsync(c, $"SELECT {RunColumnsSql} FROM trigger_runs WHERE status = 'waiting' AND due_at IS NOT NULL AND due_at <= @upTo ORDER BY due_at LIMIT @max",
            ReadRun, cancellationToken, ("upTo", Db.Ms(upTo)), ("max", max));
    }

    public async Task<long> DueDeliveryCountAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        return Convert.ToInt64(await Db.ScalarAsync(c, null, "SELECT COUNT(*) FROM trigger_deliveries WHERE status = 'pending' AND due_at <= @now", cancellationToken,
            ("now", Db.Ms(now))), CultureInfo.InvariantCulture);
    }

    public async Task<DateTimeOffset?> NextDueAsync(CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        var run = await Db.ScalarAsync(c, null, "SELECT MIN(due_at) FROM trigger_runs WHERE status = 'waiting' AND due_at IS NOT NULL", cancellationToken);
        var delivery = await Db.ScalarAsync(c, null, "SELECT MIN(due_at) FROM trigger_deliveries WHERE status = 'pending'", cancellationToken);
        long? next = null;
        foreach (var value in (object?[])[run, delivery])
            if (value is not null && Convert.ToInt64(value, CultureInfo.InvariantCulture) is var ms && (next is null || ms < next)) next = ms;
        return next is { } n ? ProfileColumns.FromMs(n) : null;
    }

    public Task CommitJourneysAsync(JourneyCommit commit, CancellationToken cancellationToken)
    {
        var statements = new List<Statement>(commit.Log.Count + commit.Deliveries.Count + commit.Contacts.Count);
        foreach (var e in commit.Log) statements.Add(LogStatement(e));
        foreach (var d in commit.Deliveries)
        {
            // The id is the idempotency key: a second insert for the same run and step does nothing.
            statements.Add(new($"""
                INSERT INTO trigger_deliveries ({DeliveryColumnsSql}, updated_at)
                VALUES (@id, @run, @trigger, @profile, @kind, @payload, @status, @attempts, @max, @due, @error, @created, @created)
                ON CONFLICT (id) DO NOTHING
                """, ("id", d.Id), ("run", d.RunId), ("trigger", d.TriggerId), ("profile", d.ProfileId), ("kind", d.Kind),
                ("payload", db.Protection.ProtectAlways(d.Payload, DeliveryScope(d.Id))), // a rendered email or webhook body: addresses, traits
                ("status", DeliveryStatusText(d.Status)), ("attempts", d.Attempts), ("max", d.MaxAttempts), ("due", Db.Ms(d.DueAt)),
                ("error", db.Protection.ProtectAlways(d.LastError, DeliveryErrorScope(d.Id))), ("created", Db.Ms(d.CreatedAt))));
        }
        foreach (var letter in commit.DeadLetters) statements.Add(SqlDeadLetterStore.Insert(db, letter));
        foreach (var contact in commit.Contacts)
            statements.Add(new("INSERT INTO contacts (profile_id, channel, origin, at) VALUES (@profile, @channel, @origin, @at)",
                ("profile", contact.ProfileId), ("channel", contact.Channel), ("origin", contact.Origin), ("at", Db.Ms(contact.At))));
        return db.WriteAsync(async (c, t) =>
        {
            if (commit.Position is { } move) await SqlPositionStore.MoveAsync(c, t, move, cancellationToken);
            foreach (var write in commit.Runs)
            {
                var run = write.Run;
                (string, object?)[] values =
                [
                    ("id", run.Id), ("trigger", run.TriggerId), ("profile", run.ProfileId), ("step", run.Step), ("status", StatusText(run.Status)),
                    ("entered", Db.Ms(run.EnteredAt)), ("due", run.DueAt is { } due ? Db.Ms(due) : null), ("waiting", run.WaitingFor), ("outcome", run.Outcome),
                    ("ended", run.EndedAt is { } ended ? Db.Ms(ended) : null), ("version", run.Version), ("start", run.StartEvent), ("expected", write.ExpectedVersion ?? -1),
                ];
                // Inserts skip a second waiting run of the same trigger and profile; updates move a run only from the state
                // this node read. Either way a count of 0 means another node got there first: the whole commit rolls back.
                var changed = write.ExpectedVersion is null
                    ? await Db.ExecuteAsync(c, t, $"""
                        INSERT INTO trigger_runs ({RunColumnsSql}) VALUES (@id, @trigger, @profile, @step, @status, @entered, @due, @waiting, @outcome, @ended, @version, @start)
                        ON CONFLICT DO NOTHING
                        """, cancellationToken, values)
                    : await Db.ExecuteAsync(c, t, """
                        UPDATE trigger_runs SET step = @step, status = @status, due_at = @due, waiting_for = @waiting, outcome = @outcome, ended_at = @ended, version = @version
                        WHERE id = @id AND version = @expected
                        """, cancellationToken, values);
                if (changed == 0) throw new PositionConflictException($"trigger run {run.Id}", write.ExpectedVersion ?? 0);
            }
            await db.ExecuteAllAsync(c, t, statements, cancellationToken);
            return 0;
        }, cancellationToken, background: true);
    }

    private static string LaneSql(DeliveryLane lane) => lane switch
    {
        DeliveryLane.Email => " AND kind = 'email'",
        DeliveryLane.NotEmail => " AND kind <> 'email'",
        _ => "",
    };

    private static Statement LogStatement(ExecutionLogEntry e) =>
        new("INSERT INTO trigger_log (run_id, trigger_id, profile_id, at, step, kind, detail) VALUES (@run, @trigger, @profile, @at, @step, @kind, @detail)",
            ("run", e.RunId), ("trigger", e.TriggerId), ("profile", e.ProfileId), ("at", Db.Ms(e.At)), ("step", e.Step), ("kind", e.Kind), ("detail", e.Detail));

    public async Task<IReadOnlyList<JourneyRun>> RunsAsync(string triggerId, string? profileId, int limit, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        var sql = $"SELECT {RunColumnsSql} FROM trigger_runs WHERE trigger_id = @trigger" + (profileId is null ? "" : " AND profile_id = @profile")
            + " ORDER BY entered_at DESC, id DESC LIMIT @limit";
        return await Db.ListAsync(c, sql, ReadRun, cancellationToken, ("trigger", triggerId), ("profile", profileId ?? ""), ("limit", limit));
    }

    public async Task<IReadOnlyList<ExecutionLogEntry>> ExecutionLogAsync(IReadOnlyList<string> runIds, CancellationToken cancellationToken)
    {
        if (runIds.Count == 0) return [];
        var result = new List<ExecutionLogEntry>();
        await using var c = await db.OpenReadAsync(cancellationToken);
        foreach (var page in runIds.Chunk(500))
        {
            var (inList, parameters) = Db.InList(page);
            result.AddRange(await Db.ListAsync(c, $"SELECT run_id, trigger_id, profile_id, at, step, kind, detail FROM trigger_log WHERE run_id IN ({inList}) ORDER BY id",
                r => new ExecutionLogEntry(r.GetString(0), r.GetString(1), r.GetString(2), ProfileColumns.FromMs(r.GetInt64(3)), r.NullableString(4), r.GetString(5),
                    db.Protection.RevealText(r.GetString(6), "", LogScope(r.GetString(0)))!),
                cancellationToken, parameters));
        }
        return result;
    }

    public async Task<TriggerStats> TriggerStatsAsync(string triggerId, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        async Task<IReadOnlyDictionary<string, long>> CountAsync(string table) =>
            (await Db.ListAsync(c, $"SELECT status, COUNT(*) FROM {table} WHERE trigger_id = @trigger GROUP BY status", r => (r.GetString(0), r.GetInt64(1)), cancellationToken,
                ("trigger", triggerId))).ToDictionary(x => x.Item1, x => x.Item2, StringComparer.Ordinal);
        return new TriggerStats(await CountAsync("trigger_runs"), await CountAsync("trigger_deliveries"));
    }

    public Task<IReadOnlyList<ActionDelivery>> ClaimDeliveriesAsync(DateTimeOffset now, int max, DeliveryLane lane, CancellationToken cancellationToken) =>
        db.WriteAsync<IReadOnlyList<ActionDelivery>>(async (c, t) =>
        {
            // One statement claims the batch; only rows still pending move, so a node only gets what no other node took.
            await using var command = Db.Command(c, t, $"""
                UPDATE trigger_deliveries SET status = 'sending', attempts = attempts + 1, updated_at = @now
                WHERE status = 'pending' AND id IN (SELECT id FROM trigger_deliveries WHERE status = 'pending' AND due_at <= @now{LaneSql(lane)} ORDER BY due_at LIMIT @max)
                RETURNING {DeliveryColumnsSql}
                """, ("now", Db.Ms(now)), ("max", max));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var claimed = new List<ActionDelivery>();
            while (await reader.ReadAsync(cancellationToken)) claimed.Add(ReadDelivery(reader));
            return claimed;
        }, cancellationToken, background: true);

    public async Task<IReadOnlyList<ActionDelivery>> InterruptedDeliveriesAsync(DateTimeOffset claimedBefore, int max, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        return await Db.ListAsync(c, $"SELECT {DeliveryColumnsSql} FROM trigger_deliveries WHERE status = 'sending' AND updated_at < @before ORDER BY updated_at LIMIT @max",
            ReadDelivery, cancellationToken, ("before", Db.Ms(claimedBefore)), ("max", max));
    }

    public Task CompleteDeliveriesAsync(IReadOnlyList<DeliveryResult> results, CancellationToken cancellationToken)
    {
        if (results.Count == 0) return Task.CompletedTask;
        var statements = new List<Statement>(results.Count * 2);
        foreach (var result in results)
        {
            statements.Add(new("UPDATE trigger_deliveries SET status = @status, due_at = @due, last_error = @error, updated_at = @at WHERE id = @id",
                ("status", DeliveryStatusText(result.Status)), ("due", Db.Ms(result.DueAt)),
                ("error", db.Protection.ProtectAlways(result.Error, DeliveryErrorScope(result.Id))), // an SMTP refusal may quote the address
                ("at", Db.Ms(result.Log.At)), ("id", result.Id)));
            // A delivery's outcome line quotes the channel's answer (an SMTP refusal may quote the address): encrypted like last_error.
            statements.Add(LogStatement(result.Log with { Detail = db.Protection.ProtectAlways(result.Log.Detail, LogScope(result.Log.RunId))! }));
        }
        return db.WriteAsync(async (c, t) =>
        {
            await db.ExecuteAllAsync(c, t, statements, cancellationToken);
            return 0;
        }, cancellationToken, background: true);
    }

    public async Task<IReadOnlyList<ActionDelivery>> DeadLettersAsync(string? triggerId, int limit, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        var sql = $"SELECT {DeliveryColumnsSql} FROM trigger_deliveries WHERE status = 'dead'" + (triggerId is null ? "" : " AND trigger_id = @trigger")
            + " ORDER BY updated_at DESC, id LIMIT @limit";
        return await Db.ListAsync(c, sql, ReadDelivery, cancellationToken, ("trigger", triggerId ?? ""), ("limit", limit));
    }

    public Task<bool> RetryDeadLetterAsync(string deliveryId, DateTimeOffset now, CancellationToken cancellationToken) =>
        db.WriteAsync(async (c, t) => await Db.ExecuteAsync(c, t,
            "UPDATE trigger_deliveries SET status = 'pending', attempts = 0, due_at = @now, updated_at = @now WHERE id = @id AND status = 'dead'",
            cancellationToken, ("id", deliveryId), ("now", Db.Ms(now))) == 1, cancellationToken);

    private static JourneyRun ReadRun(DbDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), Convert.ToInt32(r.GetValue(3), CultureInfo.InvariantCulture), ParseStatus(r.GetString(4)),
        ProfileColumns.FromMs(r.GetInt64(5)), r.IsDBNull(6) ? null : ProfileColumns.FromMs(r.GetInt64(6)), r.NullableString(7), r.NullableString(8),
        r.IsDBNull(9) ? null : ProfileColumns.FromMs(r.GetInt64(9)), r.GetInt64(10), r.GetString(11));

    private ActionDelivery ReadDelivery(DbDataReader r)
    {
        var id = r.GetString(0);
        return new(id, r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), db.Protection.RevealText(r.GetString(5), "", DeliveryScope(id))!,
            ParseDeliveryStatus(r.GetString(6)), Convert.ToInt32(r.GetValue(7), CultureInfo.InvariantCulture), Convert.ToInt32(r.GetValue(8), CultureInfo.InvariantCulture),
            ProfileColumns.FromMs(r.GetInt64(9)), db.Protection.RevealText(r.NullableString(10), "", DeliveryErrorScope(id)), ProfileColumns.FromMs(r.GetInt64(11)));
    }

    /// <summary>The binding of an outbox row's encrypted payload: the delivery (its idempotency key).</summary>
    internal static string DeliveryScope(string deliveryId) => "delivery:" + deliveryId;

    /// <summary>The binding of an execution log line's encrypted detail (a delivery's outcome): its run.</summary>
    internal static string LogScope(string runId) => "trigger-log:" + runId;

    /// <summary>The binding of an outbox row's encrypted last error.</summary>
    internal static string DeliveryErrorScope(string deliveryId) => "delivery-error:" + deliveryId;

    /// <summary>The text the status column has always held.</summary>
    private static string DeliveryStatusText(DeliveryStatus status) => status.ToString().ToLowerInvariant();

    private static DeliveryStatus ParseDeliveryStatus(string text) =>
        Enum.TryParse<DeliveryStatus>(text, ignoreCase: true, out var status) ? status : throw new InvalidDataException($"unknown delivery status '{text}'");

    private static string StatusText(RunStatus status) => status switch
    {
        RunStatus.Waiting => "waiting",
        RunStatus.Completed => "completed",
        _ => "exited",
    };

    private static RunStatus ParseStatus(string text) => text switch
    {
        "waiting" => RunStatus.Waiting,
        "completed" => RunStatus.Completed,
        _ => RunStatus.Exited,
    };
}
