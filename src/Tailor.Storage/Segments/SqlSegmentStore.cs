using System.Data.Common;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Tailor.Core.Events;
using Tailor.Core.Limits;
using Tailor.Core.Profiles;
using Tailor.Core.Segments;
using Tailor.Core.Segments.Evaluation;
using Tailor.Core.Segments.Text;
using Tailor.Core.Storage;
using Tailor.Storage.DeadLetters;
using Tailor.Storage.Events;
using Tailor.Storage.Positions;
using Tailor.Storage.Profiles;
using Tailor.Storage.Relational;

namespace Tailor.Storage.Segments;

/// <summary>
/// Segments: definitions, members, history, sizes, timers, and what evaluation reads of profiles. Owns the segment
/// engine's commit: membership changes and timers with the engine's position, in one transaction.
/// </summary>
internal sealed class SqlSegmentStore(SqlDatabase db) : ISegmentStore
{
    public async Task<IReadOnlyList<SegmentDefinition>> ListSegmentsAsync(CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        return await Db.ListAsync(c, "SELECT id, name, rule, parent_id, min_size, created_at, updated_at FROM segments ORDER BY name",
            r => ReadSegment(r.GetString(0), r.GetString(1), r.GetString(2), r.NullableString(3), r.GetInt32(4),
                ProfileColumns.FromMs(r.GetInt64(5)), ProfileColumns.FromMs(r.GetInt64(6))), cancellationToken);
    }

    /// <summary>
    /// A stored segment; one whose rule no longer reads (written by an older version or by hand) comes back disabled
    /// with the reason, so that one bad row cannot fail every list of segments or the start of the node.
    /// </summary>
    private static SegmentDefinition ReadSegment(string id, string name, string rule, string? parent, int minSize, DateTimeOffset created, DateTimeOffset updated)
    {
        try
        {
            return new SegmentDefinition(id, name, RuleParser.Parse(rule, DefinitionLimits.Ceiling), parent, minSize, created, updated);
        }
        catch (RuleSyntaxException ex)
        {
            return SegmentDefinition.Unreadable(id, name, rule, $"its stored rule cannot be read: {ex.Message}", parent, minSize, created, updated);
        }
    }

    public Task SaveSegmentAsync(SegmentDefinition segment, CancellationToken cancellationToken) =>
        db.WriteAsync(async (c, t) =>
        {
            await Db.ExecuteAsync(c, t, """
            INSERT INTO segments (id, name, rule, parent_id, min_size, created_at, updated_at) VALUES (@id, @name, @rule, @parent, @min, @created, @updated)
            ON CONFLICT (id) DO UPDATE SET name = excluded.name, rule = excluded.rule, parent_id = excluded.parent_id,
                min_size = excluded.min_size, updated_at = excluded.updated_at
            """, cancellationToken, ("id", segment.Id), ("name", segment.Name), ("rule", RulePrinter.Print(segment.Rule)), ("parent", segment.ParentId),
            ("min", segment.MinSize), ("created", Db.Ms(segment.CreatedAt)), ("updated", Db.Ms(segment.UpdatedAt)));
            await DefinitionVersions.RaiseAsync(c, t, DefinitionVersions.Segments, cancellationToken);
            return 0;
        }, cancellationToken);

    public Task DeleteSegmentAsync(string segmentId, CancellationToken cancellationToken) =>
        db.WriteAsync(async (c, t) =>
        {
            (string, object?) id = ("id", segmentId);
            await db.ExecuteAllAsync(c, t,
            [
                new("DELETE FROM segment_members WHERE segment_id = @id", id),
                new("DELETE FROM segment_timers WHERE segment_id = @id", id),
                new("DELETE FROM segment_history WHERE segment_id = @id", id),
                new("DELETE FROM segment_sizes WHERE segment_id = @id", id),
                new("DELETE FROM segments WHERE id = @id", id),
            ], cancellationToken);
            await DefinitionVersions.RaiseAsync(c, t, DefinitionVersions.Segments, cancellationToken);
            return 0;
        }, cancellationToken);

    public Task<long> DefinitionsVersionAsync(CancellationToken cancellationToken) => DefinitionVersions.ReadAsync(db, DefinitionVersions.Segments, cancellationToken);

    public async Task<IReadOnlySet<string>> MembershipsAsync(string profileId, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        var ids = await Db.ListAsync(c, "SELECT segment_id FROM segment_members WHERE profile_id = @id", r => r.GetString(0), cancellationToken, ("id", profileId));
        return ids.ToHashSet(StringComparer.Ordinal);
    }

    public Task ApplyMembershipAsync(MembershipUpdate update, CancellationToken cancellationToken)
    {
        var statements = new List<Statement>(update.Changes.Count * 2 + update.Timers.Count + 4);
        var latest = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        var delta = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var change in update.Changes)
        {
            if (!latest.TryGetValue(change.SegmentId, out var seen) || change.At > seen) latest[change.SegmentId] = change.At;
            delta[change.SegmentId] = delta.GetValueOrDefault(change.SegmentId) + (change.Entered ? 1 : -1);
        }
        statements.AddRange(db.MembershipWrites(update.Changes, update.Timers));
        foreach (var (segmentId, at) in latest)
        {
            // The new size is the last recorded size plus this update's entries minus its exits: counting the members
            // on every commit would cost more as the segment grows.
            statements.Add(new("""
                INSERT INTO segment_sizes (segment_id, at, size)
                SELECT @segment, @at, COALESCE((SELECT size FROM segment_sizes WHERE segment_id = @segment ORDER BY id DESC LIMIT 1), 0) + @delta
                """, ("segment", segmentId), ("at", Db.Ms(at)), ("delta", delta[segmentId])));
        }
        foreach (var letter in update.DeadLetters) statements.Add(SqlDeadLetterStore.Insert(db, letter));
        if (statements.Count == 0 && update.Position is null && update.Fired.Count == 0) return Task.CompletedTask;
        return db.WriteAsync(async (c, t) =>
        {
            if (update.Position is { } move) await SqlPositionStore.MoveAsync(c, t, move, cancellationToken);
            foreach (var fired in update.Fired)
            {
                // The claim: only the node whose delete finds the timer as it read it fires it (another node's
                // concurrent delete waits on the row lock, then finds nothing and rolls its whole update back).
                var claimed = await Db.ExecuteAsync(c, t, "DELETE FROM segment_timers WHERE segment_id = @segment AND profile_id = @profile AND due_at = @due",
                    cancellationToken, ("segment", fired.SegmentId), ("profile", fired.ProfileId), ("due", fired.DueAt is { } due ? Db.Ms(due) : null));
                if (claimed == 0) throw new PositionConflictException($"segment timer {fired.SegmentId}:{fired.ProfileId}", 0);
            }
            await RefuseEntriesOfMergedAwayAsync(c, t, update.Changes, cancellationToken);
            if (update.Changes.Count > 0) await db.OrderHistoryWritesAsync(c, t, cancellationToken);
            await db.ExecuteAllAsync(c, t, statements, cancellationToken);
            return 0;
        }, cancellationToken, background: true);
    }

    /// <summary>
    /// A profile merged away after the engine read it must not enter a segment: the merge removed its memberships, and an
    /// entry committed after would outlive it. On PostgreSQL the entering profiles' rows are share-locked until this
    /// commit, so a merge commits wholly before the check or after this update; the lock never waits (NOWAIT: a fold
    /// commit holding one of the rows refuses the update instead, so no lock order can deadlock). SQLite's one writer
    /// orders the two commits anyway. Refused, the whole update rolls back and the engine reads again
    /// (<see cref="PositionConflictException"/>). A fold split by profile key completes merges ahead of the position
    /// the engine reads up to, which made this race show (docs/scale.md).
    /// </summary>
    private async Task RefuseEntriesOfMergedAwayAsync(DbConnection c, DbTransaction t, IReadOnlyList<MembershipChange> changes, CancellationToken ct)
    {
        var entering = new HashSet<string>(StringComparer.Ordinal);
        foreach (var change in changes)
            if (change.Entered) entering.Add(change.ProfileId);
        if (entering.Count == 0) return;
        var (inList, ids) = db.IdSet("ids", entering);
        List<(string Id, bool MergedAway)> rows; // every entering row is read: FOR SHARE locks only the rows it returns
        try
        {
            rows = await Db.ListAsync(c, t, $"SELECT id, merged_into FROM profiles WHERE id IN ({inList}){(db.Kind == "postgres" ? " FOR SHARE NOWAIT" : "")}",
                r => (r.GetString(0), !r.IsDBNull(1)), ct, ("ids", ids));
        }
        catch (DbException e) when (e.SqlState == "55P03") // lock_not_available
        {
            throw new PositionConflictException("segment entries of profiles a fold commit holds", 0);
        }
        foreach (var (id, mergedAway) in rows)
            if (mergedAway) throw new PositionConflictException($"segment entry of merged-away profile {id}", 0);
    }

    public async Task<IReadOnlyList<SegmentMember>> MembersAsync(string segmentId, string? afterProfileId, int limit, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        return await Db.ListAsync(c, "SELECT profile_id, since FROM segment_members WHERE segment_id = @segment AND profile_id > @after ORDER BY profile_id LIMIT @limit",
            r => new SegmentMember(r.GetString(0), ProfileColumns.FromMs(r.GetInt64(1))), cancellationToken,
            ("segment", segmentId), ("after", afterProfileId ?? ""), ("limit", limit));
    }

    public async Task<IReadOnlyDictionary<string, long>> SegmentSizesAsync(CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        var rows = await Db.ListAsync(c, "SELECT segment_id, COUNT(*) FROM segment_members GROUP BY segment_id",
            r => (r.GetString(0), r.GetInt64(1)), cancellationToken);
        return rows.ToDictionary(x => x.Item1, x => x.Item2, StringComparer.Ordinal);
    }

    public async Task<IReadOnlyList<MembershipChange>> MembershipHistoryAsync(string? profileId, string? segmentId, int limit, CancellationToken cancellationToken)
    {
        var where = new List<string>();
        var parameters = new List<(string, object?)> { ("limit", limit) };
        if (profileId is not null) { where.Add("profile_id = @profile"); parameters.Add(("profile", profileId)); }
        if (segmentId is not null) { where.Add("segment_id = @segment"); parameters.Add(("segment", segmentId)); }
        var sql = "SELECT segment_id, profile_id, entered, at FROM segment_history"
            + (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "") + " ORDER BY id LIMIT @limit";
        await using var c = await db.OpenReadAsync(cancellationToken);
        return await Db.ListAsync(c, sql, r => new MembershipChange(r.GetString(0), r.GetString(1), r.GetBoolean(2), ProfileColumns.FromMs(r.GetInt64(3))),
            cancellationToken, [.. parameters]);
    }

    public async Task<IReadOnlyList<SegmentSizePoint>> SizeHistoryAsync(string segmentId, int limit, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        return await Db.ListAsync(c, "SELECT at, size FROM segment_sizes WHERE segment_id = @segment ORDER BY id LIMIT @limit",
            r => new SegmentSizePoint(ProfileColumns.FromMs(r.GetInt64(0)), r.GetInt64(1)), cancellationToken, ("segment", segmentId), ("limit", limit));
    }

    public async Task<IReadOnlyList<SegmentTimer>> DueTimersAsync(DateTimeOffset upTo, int max, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        return await Db.ListAsync(c, "SELECT segment_id, profile_id, due_at FROM segment_timers WHERE due_at <= @upTo ORDER BY due_at LIMIT @max",
            r => new SegmentTimer(r.GetString(0), r.GetString(1), ProfileColumns.FromMs(r.GetInt64(2))), cancellationToken, ("upTo", Db.Ms(upTo)), ("max", max));
    }

    public async Task<DateTimeOffset?> NextTimerAsync(CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        var value = await Db.ScalarAsync(c, null, "SELECT MIN(due_at) FROM segment_timers", cancellationToken);
        return value is null ? null : ProfileColumns.FromMs(Convert.ToInt64(value, CultureInfo.InvariantCulture));
    }

    public async Task<IReadOnlyList<AssignedEventSummary>> AssignedEventSummariesAsync(long after, long upTo, int max, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        // The payload is read to tell what folding the event could change (traits, consent, tags: EventInputs), and
        // whether the profile has an earlier event (one index probe), so that the engine re-evaluates only the
        // segments that read what changed. Read from the tables, not the view: the payload comes as stored (an
        // identify's not at all) and is decoded here into a reused buffer.
        return await Db.ListAsync(c, """
            SELECT l.seq, l.type, l.name, p.profile_id, EXISTS (SELECT 1 FROM merges m WHERE m.message_id = l.message_id),
                NOT EXISTS (SELECT 1 FROM event_profiles q WHERE q.profile_id = p.profile_id AND q.seq < p.seq),
                CASE WHEN l.type <> 'identify' THEN l.payload END
            FROM event_log l JOIN event_profiles p ON p.seq = l.seq
            WHERE l.seq > @after AND l.seq <= @upTo ORDER BY l.seq LIMIT @max
            """,
            r =>
            {
                if (!EventTypes.TryParse(r.GetString(1), out var type))
                    throw new InvalidDataException($"Event {r.GetInt64(0)} has unknown type '{r.GetString(1)}'.");
                var name = r.NullableString(2);
                return new AssignedEventSummary(r.GetInt64(0), r.GetString(3), type.ToWire(), name,
                    Convert.ToBoolean(r.GetValue(4), CultureInfo.InvariantCulture), Inputs(r, type, name),
                    Convert.ToBoolean(r.GetValue(5), CultureInfo.InvariantCulture));
            }, cancellationToken,
            ("after", after), ("upTo", upTo), ("max", max));
    }

    /// <summary>What folding an event can change (<see cref="EventInputs"/>), from column 6 of the summaries' query.</summary>
    private static ProfileInputs Inputs(DbDataReader r, EventType type, string? name)
    {
        if (r.IsDBNull(6)) return EventInputs.Of(type, name, null); // an identify: its payload is not needed
        // As stored, protected values unopened: EventInputs reads keys only, which stay clear. Most events name none of
        // the keys, which the decoded UTF-8 text tells without a string or a parse.
        var stored = r.GetValue(6);
        // Only the body is looked at (context's keys), so a format-2 payload is read without its envelope fields.
        if (!EventInputs.MayName(PayloadCodec.DecodeUtf8WithoutColumns(stored))) return EventInputs.Of(type, name, null);
        return EventInputs.Of(type, name, PayloadCodec.DecodeWithoutColumns(stored) ?? throw new InvalidDataException($"Event {r.GetInt64(0)} has no payload."));
    }

    public async Task<IReadOnlyList<ProfileSnapshot>> SnapshotsAsync(IReadOnlyList<string> profileIds, SnapshotScope scope, CancellationToken cancellationToken)
    {
        if (profileIds.Count == 0) return [];
        var (inList, ids) = db.IdSet("ids", profileIds);
        (string, object?)[] idParameters = [("ids", ids)];
        await using var c = await db.OpenReadAsync(cancellationToken);
        // Identities are left out: no rule reads them, and loading them was about a tenth of a full recompute
        // (bench/results/segments.md). Snapshot profiles therefore have an empty Identities list.
        // Only the parts the rules read are parsed (and traits only then revealed): for a rule on one computed trait,
        // parsing the rest was about a third of a recompute's snapshot time (issue 17, BENCHMARKS.md).
        var profiles = await SqlProfileStore.ReadProfileRowsAsync(db, c, inList, idParameters, liveOnly: true, scope.Profile, cancellationToken);

        var memberships = profiles.Keys.ToDictionary(id => id, _ => new HashSet<string>(StringComparer.Ordinal), StringComparer.Ordinal);
        foreach (var (profileId, segmentId) in await Db.ListAsync(c, $"SELECT profile_id, segment_id FROM segment_members WHERE profile_id IN ({inList})",
            r => (r.GetString(0), r.GetString(1)), cancellationToken, idParameters))
            if (memberships.TryGetValue(profileId, out var set)) set.Add(segmentId);

        var timers = profiles.Keys.ToDictionary(id => id, _ => new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal), StringComparer.Ordinal);
        if (scope.TimerSegments.Count > 0)
        {
            var (segmentList, segmentParameters) = Db.InList(scope.TimerSegments, "s");
            foreach (var (profileId, segmentId, due) in await Db.ListAsync(c,
                $"SELECT profile_id, segment_id, due_at FROM segment_timers WHERE segment_id IN ({segmentList}) AND profile_id IN ({inList})",
                r => (r.GetString(0), r.GetString(1), r.GetInt64(2)), cancellationToken, [.. idParameters, .. segmentParameters]))
                if (timers.TryGetValue(profileId, out var set)) set[segmentId] = ProfileColumns.FromMs(due);
        }

        var events = profiles.Keys.ToDictionary(id => id, _ => new List<EventFact>(), StringComparer.Ordinal);
        if (scope.Events.Count > 0) await ReadSnapshotEventsAsync(c, inList, idParameters, scope.Events, events, cancellationToken);
        Dictionary<string, List<DateTimeOffset>>? timelines = null;
        if (scope.Timeline)
        {
            timelines = profiles.Keys.ToDictionary(id => id, _ => new List<DateTimeOffset>(), StringComparer.Ordinal);
            // Where assignments carry their event's time (PostgreSQL), the timeline is read from the profile index alone.
            await using var command = Db.Command(c, null, db.AssignmentsCarryEventKeys
                ? $"SELECT p.profile_id, p.ts FROM event_profiles p WHERE p.profile_id IN ({inList}) AND p.ts IS NOT NULL ORDER BY p.ts"
                : $"""
                SELECT p.profile_id, l.ts FROM event_profiles p CROSS JOIN event_log l
                WHERE p.profile_id IN ({inList}) AND l.seq = p.seq ORDER BY l.ts
                """, idParameters);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
                if (timelines.TryGetValue(reader.GetString(0), out var list)) list.Add(ProfileColumns.FromMs(reader.GetInt64(1)));
        }
        return [.. profiles.Values.Select(p => new ProfileSnapshot(p, memberships[p.Id], events[p.Id], timers[p.Id], timelines?[p.Id]))];
    }

    /// <summary>The events of the given counted names (each from its moment on) of a page of profiles, in event-time order.</summary>
    private async Task ReadSnapshotEventsAsync(DbConnection c, string inList, (string, object?)[] idParameters,
        IReadOnlyDictionary<string, EventScope> names, Dictionary<string, List<EventFact>> events, CancellationToken ct)
    {
        // Rules name events as they are counted: page and screen calls are "Page Viewed" and "Screen Viewed". The only
        // index that leads with the profile is event_profiles (profile, seq): each profile's events are read from it
        // once, in one query, whatever the names. CROSS JOIN keeps SQLite on that order: left free, it reads every
        // event of a single name in the whole log (the name index) and keeps the page's profiles' few. The payload is
        // read as stored (decoded here, not by the view) and only for the names whose rules read properties. Where
        // assignments carry their event's type, name and time (PostgreSQL), the names and windows are matched on them,
        // in the profile index, and only the events kept are read from the log.
        var k = db.AssignmentsCarryEventKeys ? "p" : "l"; // the table whose type, name and ts the conditions read
        var conditions = new List<string>();
        var withPayload = new List<string>();
        var parameters = new List<(string, object?)>(idParameters);
        HashSet<string>? opened = null; // names whose messages are opened: their rules read a protected field
        foreach (var (name, scope) in names)
        {
            if (scope.MayReadSealed(db.Protection)) (opened ??= new(StringComparer.Ordinal)).Add(name);
            var n = parameters.Count;
            var from = scope.From is { } f ? $" AND {k}.ts >= @f{n}" : "";
            var which = CountedNames.NonTrackType(name) is { } type ? $"{k}.type = '{type.ToWire()}'" : $"{k}.name = @n{n} AND {k}.type = 'track'";
            var condition = $"({which}{from})";
            conditions.Add(condition);
            if (scope.Payload) withPayload.Add(condition);
            parameters.Add(($"n{n}", name));
            if (scope.From is { } moment) parameters.Add(($"f{n}", Db.Ms(moment)));
        }
        var payload = withPayload.Count == 0 ? "NULL" : $"CASE WHEN {string.Join(" OR ", withPayload)} THEN l.payload END";
        var sql = $"""
            SELECT p.profile_id, l.seq, l.message_id, l.source_id, l.type, l.name, l.user_id, l.anonymous_id, l.ts, l.received_at, {payload}
            FROM event_profiles p CROSS JOIN event_log l
            WHERE p.profile_id IN ({inList}) AND l.seq = p.seq AND ({string.Join(" OR ", conditions)})
            ORDER BY {k}.ts, {k}.seq
            """;
        await using var command = Db.Command(c, null, sql, [.. parameters]);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            if (!events.TryGetValue(reader.GetString(0), out var list)) continue;
            var fact = new EventFact(reader.GetInt64(1), CountedName(reader.GetString(4), reader.NullableString(5)), ProfileColumns.FromMs(reader.GetInt64(8)), default);
            list.Add(reader.IsDBNull(10) ? fact : fact with { Message = Message(reader, open: opened is not null && opened.Contains(fact.Name)) });
        }
    }

    /// <summary>The parsed message of a snapshot event row (its <see cref="SqlEventLog.EventColumnsSql"/> from column 1).</summary>
    /// <param name="open">Whether protected values must be clear; when not, they are left sealed.</param>
    private JsonElement Message(DbDataReader r, bool open)
    {
        // Protected fields are revealed on the text; otherwise the decoded UTF-8 is parsed straight into the element
        // the rules read (no string, no second copy).
        if (open) return EventView.Parse(SqlEventLog.ReadEvent(db, r, offset: 1)).Root;
        var json = new Utf8JsonReader(PayloadCodec.DecodeUtf8(r.GetValue(10),
            new PayloadColumns(r.GetString(2), r.NullableString(6), r.NullableString(7), r.GetString(4), r.NullableString(5), r.GetInt64(8))));
        return JsonElement.ParseValue(ref json);
    }

    private static string CountedName(string type, string? name) =>
        EventTypes.TryParse(type, out var t) ? CountedNames.Of(t, name) : name ?? "";

    public async Task<IReadOnlyList<string>> CandidateIdsAsync(CandidateFilter filter, IReadOnlyCollection<string> segmentIds, CancellationToken cancellationToken)
    {
        var parameters = new List<(string, object?)>();
        var (segmentList, segmentParameters) = Db.InList(segmentIds, "s");
        parameters.AddRange(segmentParameters);
        var sql = $"""
            SELECT pid FROM ({CandidateSql(filter, parameters)}) AS candidates
            UNION SELECT profile_id FROM segment_members WHERE segment_id IN ({segmentList})
            UNION SELECT profile_id FROM segment_timers WHERE segment_id IN ({segmentList})
            """;
        await using var c = await db.OpenReadAsync(cancellationToken);
        var ids = await Db.ListAsync(c, sql, r => r.GetString(0), cancellationToken, [.. parameters]);
        ids.Sort(StringComparer.Ordinal);
        return ids;
    }

    /// <summary>A query of one column, <c>pid</c>, selecting the profiles that meet <paramref name="filter"/> (a superset is fine).</summary>
    private string CandidateSql(CandidateFilter filter, List<(string, object?)> parameters)
    {
        string Parameter(object value)
        {
            var name = $"c{parameters.Count}";
            parameters.Add((name, value));
            return "@" + name;
        }
        switch (filter)
        {
            case CandidateFilter.Performed p:
            {
                var from = p.From is { } f ? $" AND ts >= {Parameter(Db.Ms(f))}" : "";
                // By name alone, which an index covers (a page with that name only adds a candidate the evaluator drops).
                return CountedNames.NonTrackType(p.Event) is { } type
                    ? $"SELECT profile_id AS pid FROM events WHERE type = '{type.ToWire()}' AND profile_id IS NOT NULL{from}"
                    : $"SELECT profile_id AS pid FROM events WHERE name = {Parameter(p.Event)} AND profile_id IS NOT NULL{from}";
            }
            case CandidateFilter.ComputedAtLeast computed:
                // Stored numbers may be binary floating point: a hair lower bound keeps the set a superset.
                return $"SELECT id AS pid FROM profiles WHERE merged_into IS NULL AND {db.ComputedNumberSql(computed.Name)} >= {Parameter((double)computed.Value - 1e-9 * Math.Max(1, Math.Abs((double)computed.Value)))}";
            case CandidateFilter.Both both:
                return $"SELECT pid FROM ({CandidateSql(both.Left, parameters)}) AS l{parameters.Count} WHERE pid IN ({CandidateSql(both.Right, parameters)})";
            case CandidateFilter.Either either:
                return $"SELECT pid FROM ({CandidateSql(either.Left, parameters)}) AS l{parameters.Count} UNION SELECT pid FROM ({CandidateSql(either.Right, parameters)}) AS r{parameters.Count}";
            default:
                throw new ArgumentOutOfRangeException(nameof(filter), filter, "unknown candidate filter");
        }
    }

    public async Task<IReadOnlyList<string>> ProfileIdsAsync(string? afterId, int limit, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        return await Db.ListAsync(c, "SELECT id FROM profiles WHERE merged_into IS NULL AND id > @after ORDER BY id LIMIT @limit",
            r => r.GetString(0), cancellationToken, ("after", afterId ?? ""), ("limit", limit));
    }

    public async Task<IReadOnlyList<string>> SampleProfileIdsAsync(int limit, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        return await Db.ListAsync(c, "SELECT id FROM profiles WHERE merged_into IS NULL ORDER BY random() LIMIT @limit",
            r => r.GetString(0), cancellationToken, ("limit", limit));
    }

    public async Task<IReadOnlyList<SegmentIntersection>> IntersectionsAsync(CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        return await Db.ListAsync(c, """
            SELECT a.segment_id, b.segment_id, COUNT(*) FROM segment_members a
            JOIN segment_members b ON a.profile_id = b.profile_id AND a.segment_id < b.segment_id
            GROUP BY a.segment_id, b.segment_id
            """, r => new SegmentIntersection(r.GetString(0), r.GetString(1), r.GetInt64(2)), cancellationToken);
    }

    public async Task<IReadOnlyList<SegmentIntersection>> IntersectionsAsync(IReadOnlyCollection<string> segmentIds, CancellationToken cancellationToken)
    {
        if (segmentIds.Count < 2) return [];
        var (list, parameters) = Db.InList(segmentIds, "s");
        await using var c = await db.OpenReadAsync(cancellationToken);
        return await Db.ListAsync(c, $"""
            SELECT a.segment_id, b.segment_id, COUNT(*) FROM segment_members a
            JOIN segment_members b ON a.profile_id = b.profile_id AND a.segment_id < b.segment_id
            WHERE a.segment_id IN ({list}) AND b.segment_id IN ({list})
            GROUP BY a.segment_id, b.segment_id
            """, r => new SegmentIntersection(r.GetString(0), r.GetString(1), r.GetInt64(2)), cancellationToken, parameters);
    }

    public async Task<decimal?> TopThresholdAsync(string computed, decimal percent, CancellationToken cancellationToken)
    {
        if (computed is not ("eventCount" or "orderCount" or "totalRevenue" or "averageOrderValue" or "engagementScore"))
            throw new ArgumentOutOfRangeException(nameof(computed), computed, "top-percent statistics exist for eventCount, orderCount, totalRevenue, averageOrderValue and engagementScore");
        await using var c = await db.OpenReadAsync(cancellationToken);
        var value = db.ComputedNumberSql(computed);
        var count = Convert.ToInt64(await Db.ScalarAsync(c, null, SqlProfileStore.LiveProfileCountSql, cancellationToken), CultureInfo.InvariantCulture);
        if (count == 0) return null;
        var offset = Math.Max(0, (long)Math.Ceiling(count * percent / 100m) - 1);
        var threshold = await Db.ScalarAsync(c, null, $"SELECT {value} FROM profiles WHERE merged_into IS NULL ORDER BY {value} DESC LIMIT 1 OFFSET @offset",
            cancellationToken, ("offset", offset));
        return threshold is null ? null : Convert.ToDecimal(threshold, CultureInfo.InvariantCulture);
    }
}
