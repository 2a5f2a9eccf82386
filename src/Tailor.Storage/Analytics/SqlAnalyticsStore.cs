using System.Data.Common;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Tailor.Core.Analytics;
using Tailor.Core.Profiles;
using Tailor.Core.Storage;
using Tailor.Storage.DeadLetters;
using Tailor.Storage.Positions;
using Tailor.Storage.Profiles;
using Tailor.Storage.Relational;

namespace Tailor.Storage.Analytics;

/// <summary>Analytics runs and their artifacts, and the streamed reads jobs learn from. Plain SQL that both dialects accept.</summary>
internal sealed class SqlAnalyticsStore(SqlDatabase db) : IAnalyticsStore
{
    private const string RunColumns = "id, kind, status, parameters, as_of, started_at, finished_at, result, error, profiles_written, promoted";

    public Task SaveRunAsync(AnalyticsRun run, IReadOnlyList<AnalyticsArtifact>? artifacts, CancellationToken cancellationToken) =>
        db.WriteAsync(async (c, t) =>
        {
            await Db.ExecuteAsync(c, t, $"""
                INSERT INTO analytics_runs ({RunColumns})
                VALUES (@id, @kind, @status, @parameters, @asOf, @started, @finished, @result, @error, @written, @promoted)
                ON CONFLICT (id) DO UPDATE SET status = excluded.status, finished_at = excluded.finished_at, result = excluded.result,
                    error = excluded.error, profiles_written = excluded.profiles_written, promoted = excluded.promoted
                """, cancellationToken, ("id", run.Id), ("kind", run.Kind), ("status", Wire(run.Status)), ("parameters", run.Parameters.GetRawText()),
                ("asOf", Db.Ms(run.AsOf)), ("started", Db.Ms(run.StartedAt)), ("finished", run.FinishedAt is { } f ? Db.Ms(f) : null),
                ("result", run.Result?.GetRawText()), ("error", run.Error), ("written", run.ProfilesWritten), ("promoted", run.Promoted));
            if (artifacts is null) return 0;
            await Db.ExecuteAsync(c, t, "DELETE FROM analytics_artifacts WHERE run_id = @id", cancellationToken, ("id", run.Id));
            foreach (var artifact in artifacts)
                await Db.ExecuteAsync(c, t, "INSERT INTO analytics_artifacts (run_id, name, media_type, content) VALUES (@run, @name, @type, @content)",
                    cancellationToken, ("run", run.Id), ("name", artifact.Name), ("type", artifact.MediaType), ("content", artifact.Content));
            return artifacts.Count;
        }, cancellationToken);

    public Task MovePositionAsync(PositionMove move, DeadLetter? setAside, CancellationToken cancellationToken) =>
        db.WriteAsync(async (c, t) =>
        {
            await SqlPositionStore.MoveAsync(c, t, move, cancellationToken);
            if (setAside is null) return 0;
            var insert = SqlDeadLetterStore.Insert(db, setAside);
            return await Db.ExecuteAsync(c, t, insert.Sql, cancellationToken, [.. insert.Parameters]);
        }, cancellationToken);

    public async Task<AnalyticsRun?> GetRunAsync(string id, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        var runs = await Db.ListAsync(c, $"SELECT {RunColumns} FROM analytics_runs WHERE id = @id", ReadRun, cancellationToken, ("id", id));
        return runs.Count == 0 ? null : await WithArtifactNamesAsync(c, runs[0], cancellationToken);
    }

    public async Task<IReadOnlyList<AnalyticsRun>> ListRunsAsync(string? kind, int limit, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        return await Db.ListAsync(c, $"SELECT {RunColumns} FROM analytics_runs {(kind is null ? "" : "WHERE kind = @kind")} ORDER BY started_at DESC, id DESC LIMIT @limit",
            ReadRun, cancellationToken, ("kind", kind), ("limit", limit));
    }

    public async Task<IReadOnlyList<AnalyticsRun>> RunsInStatusAsync(AnalyticsRunStatus status, int limit, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        return await Db.ListAsync(c, $"SELECT {RunColumns} FROM analytics_runs WHERE status = @status ORDER BY started_at, id LIMIT @limit",
            ReadRun, cancellationToken, ("status", Wire(status)), ("limit", limit));
    }

    public async Task<AnalyticsRun?> LatestPromotedAsync(string kind, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        var runs = await Db.ListAsync(c, $"SELECT {RunColumns} FROM analytics_runs WHERE kind = @kind AND status = @succeeded AND promoted = @yes ORDER BY started_at DESC, id DESC LIMIT 1",
            ReadRun, cancellationToken, ("kind", kind), ("succeeded", Wire(AnalyticsRunStatus.Succeeded)), ("yes", true));
        return runs.Count == 0 ? null : await WithArtifactNamesAsync(c, runs[0], cancellationToken);
    }

    public async Task<AnalyticsArtifact?> GetArtifactAsync(string runId, string name, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        var found = await Db.ListAsync(c, "SELECT name, media_type, content FROM analytics_artifacts WHERE run_id = @run AND name = @name",
            r => new AnalyticsArtifact(r.GetString(0), r.GetString(1), (byte[])r.GetValue(2)), cancellationToken, ("run", runId), ("name", name));
        return found.Count == 0 ? null : found[0];
    }

    public Task SaveScheduleAsync(AnalyticsSchedule schedule, CancellationToken cancellationToken) =>
        db.WriteAsync(async (c, t) => await Db.ExecuteAsync(c, t, """
            INSERT INTO analytics_schedules (id, kind, parameters, every_ms, next_at, created_at, last_run_id)
            VALUES (@id, @kind, @parameters, @every, @next, @created, @last)
            ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, parameters = excluded.parameters, every_ms = excluded.every_ms,
                next_at = excluded.next_at, last_run_id = excluded.last_run_id
            """, cancellationToken, ("id", schedule.Id), ("kind", schedule.Kind), ("parameters", schedule.Parameters.GetRawText()),
            ("every", (long)schedule.Every.TotalMilliseconds), ("next", Db.Ms(schedule.NextAt)), ("created", Db.Ms(schedule.CreatedAt)), ("last", schedule.LastRunId)),
            cancellationToken);

    public async Task<IReadOnlyList<AnalyticsSchedule>> ListSchedulesAsync(CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        return await Db.ListAsync(c, "SELECT id, kind, parameters, every_ms, next_at, created_at, last_run_id FROM analytics_schedules ORDER BY next_at, id",
            r => new AnalyticsSchedule(r.GetString(0), r.GetString(1), Json(r.GetString(2)), TimeSpan.FromMilliseconds(r.GetInt64(3)),
                ProfileColumns.FromMs(r.GetInt64(4)), ProfileColumns.FromMs(r.GetInt64(5)), r.NullableString(6)), cancellationToken);
    }

    public Task<bool> DeleteScheduleAsync(string id, CancellationToken cancellationToken) =>
        db.WriteAsync(async (c, t) => await Db.ExecuteAsync(c, t, "DELETE FROM analytics_schedules WHERE id = @id", cancellationToken, ("id", id)) == 1, cancellationToken);

    public Task<bool> ClaimScheduleAsync(string id, DateTimeOffset dueAt, DateTimeOffset nextAt, string runId, CancellationToken cancellationToken) =>
        db.WriteAsync(async (c, t) => await Db.ExecuteAsync(c, t, "UPDATE analytics_schedules SET next_at = @next, last_run_id = @run WHERE id = @id AND next_at = @due",
            cancellationToken, ("id", id), ("due", Db.Ms(dueAt)), ("next", Db.Ms(nextAt)), ("run", runId)) == 1, cancellationToken);

    public async IAsyncEnumerable<TrackedEvent> ReadTracksAsync(IReadOnlyCollection<string> names, DateTimeOffset until,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (names.Count == 0) yield break;
        var (inList, parameters) = Db.InList(names);
        await using var c = await db.OpenReadAsync(cancellationToken);
        await using var command = Db.Command(c, null, $"""
            SELECT profile_id, name, ts, payload, message_id, source_id FROM events
            WHERE name IN ({inList}) AND type = 'track' AND profile_id IS NOT NULL AND ts < @until ORDER BY seq
            """, [.. parameters, ("until", Db.Ms(until))]);
        await using var r = await command.ExecuteReaderAsync(cancellationToken);
        while (await r.ReadAsync(cancellationToken))
            yield return new TrackedEvent(r.GetString(0), r.GetString(1), ProfileColumns.FromMs(r.GetInt64(2)), Properties(db.RevealPayload(r.GetString(3), r.GetString(5), r.GetString(4))), r.GetString(4));
    }

    public async Task<IReadOnlyDictionary<string, ProfileAttribution>> AttributionsAsync(IReadOnlyCollection<string> profileIds, CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, ProfileAttribution>(profileIds.Count, StringComparer.Ordinal);
        await using var c = await db.OpenReadAsync(cancellationToken);
        foreach (var chunk in profileIds.Distinct(StringComparer.Ordinal).Chunk(500))
        {
            var (inList, parameters) = Db.InList(chunk);
            var rows = await Db.ListAsync(c, $"""
                SELECT i.profile_id, i.type, i.value, i.value_enc FROM identities i JOIN profiles p ON p.id = i.profile_id
                WHERE p.merged_into IS NULL AND i.profile_id IN ({inList}) AND i.type IN ('userId', 'anonymousId') ORDER BY i.first_seen, i.type
                """, r => (Profile: r.GetString(0), Type: r.GetString(1), Value: SqlProfileStore.ReadIdentity(db, r, 1).Value), cancellationToken, parameters);
            foreach (var (profile, type, value) in rows)
            {
                var current = found.GetValueOrDefault(profile);
                found[profile] = type == "userId" ? current with { UserId = current.UserId ?? value } : current with { AnonymousId = current.AnonymousId ?? value };
            }
        }
        return found.ToDictionary(f => f.Key, f => f.Value.UserId is null ? f.Value : f.Value with { AnonymousId = null }, StringComparer.Ordinal);
    }

    public async Task<IReadOnlyDictionary<string, Profile>> LiveProfilesAsync(IReadOnlyCollection<string> profileIds, CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, Profile>(profileIds.Count, StringComparer.Ordinal);
        if (profileIds.Count == 0) return found;
        await using var c = await db.OpenReadAsync(cancellationToken);
        // In pages: a parameter list has a limit (SQLite 32,766).
        foreach (var page in profileIds.Distinct(StringComparer.Ordinal).Chunk(500))
            foreach (var (id, profile) in await SqlProfileStore.ReadProfilesAsync(db, c, page, liveOnly: true, withIdentities: false, cancellationToken))
                found[id] = profile;
        return found;
    }

    public async IAsyncEnumerable<ProfileFeatures> ReadProfilesAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        await using var command = Db.Command(c, null, $"SELECT {ProfileColumns.Sql} FROM profiles WHERE merged_into IS NULL ORDER BY id");
        await using var r = await command.ExecuteReaderAsync(cancellationToken);
        while (await r.ReadAsync(cancellationToken))
        {
            var profile = SqlProfileStore.ReadProfileRow(db, r);
            yield return new ProfileFeatures(profile.Id, profile.Traits.ToDictionary(t => t.Key, t => t.Value.Value, StringComparer.Ordinal), profile.Computed);
        }
    }

    private static async Task<AnalyticsRun> WithArtifactNamesAsync(DbConnection c, AnalyticsRun run, CancellationToken ct) =>
        run with { ArtifactNames = await Db.ListAsync(c, "SELECT name FROM analytics_artifacts WHERE run_id = @run ORDER BY name", r => r.GetString(0), ct, ("run", run.Id)) };

    private static JsonElement Properties(string payload)
    {
        using var message = JsonDocument.Parse(payload);
        return message.RootElement.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object
            ? properties.Clone()
            : EmptyObject;
    }

    private static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement.Clone();

    private static AnalyticsRun ReadRun(DbDataReader r) => new(
        r.GetString(0), r.GetString(1), Enum.Parse<AnalyticsRunStatus>(r.GetString(2), ignoreCase: true), Json(r.GetString(3)),
        ProfileColumns.FromMs(r.GetInt64(4)), ProfileColumns.FromMs(r.GetInt64(5)),
        r.IsDBNull(6) ? null : ProfileColumns.FromMs(r.GetInt64(6)), r.IsDBNull(7) ? null : Json(r.GetString(7)), r.NullableString(8),
        r.GetInt64(9), r.GetBoolean(10));

    private static JsonElement Json(string text)
    {
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    private static string Wire(AnalyticsRunStatus status) => status.ToString().ToLowerInvariant();
}
