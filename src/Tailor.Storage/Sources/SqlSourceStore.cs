using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Tailor.Core.Sources;
using Tailor.Storage.Profiles;
using Tailor.Storage.Relational;

namespace Tailor.Storage.Sources;

/// <summary>Connector sources (table <c>connector_sources</c>); a pull's events and its cursor commit in one transaction.</summary>
internal sealed class SqlSourceStore(SqlDatabase db) : ISourceStore
{
    private const string Columns = "id, name, kind, settings, secret, paused, created_at, updated_at, pull_cursor, next_pull_at, last_run_at, last_run_rows, last_error, last_error_at";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };

    public Task<bool> CreateSourceAsync(InboundSource source, CancellationToken cancellationToken) =>
        db.WriteAsync(async (c, t) =>
        {
            if (await Db.ScalarAsync(c, t, "SELECT 1 FROM connector_sources WHERE name = @name", cancellationToken, ("name", source.Name)) is not null) return false;
            await Db.ExecuteAsync(c, t, $"""
                INSERT INTO connector_sources ({Columns})
                VALUES (@id, @name, @kind, @settings, @secret, @paused, @created, @updated, @cursor, @next, @ran, @rows, @error, @errorAt)
                """, cancellationToken, Parameters(source));
            return true;
        }, cancellationToken);

    public async Task<InboundSource?> GetSourceAsync(string id, CancellationToken cancellationToken) =>
        (await QueryAsync("WHERE id = @id", cancellationToken, ("id", id))).FirstOrDefault();

    public async Task<InboundSource?> FindSourceByNameAsync(string name, CancellationToken cancellationToken) =>
        (await QueryAsync("WHERE name = @name", cancellationToken, ("name", name))).FirstOrDefault();

    public async Task<IReadOnlyList<InboundSource>> ListSourcesAsync(CancellationToken cancellationToken) =>
        await QueryAsync("ORDER BY name", cancellationToken);

    public Task<bool> UpdateSourceAsync(InboundSource source, CancellationToken cancellationToken) =>
        db.WriteAsync(async (c, t) => await Db.ExecuteAsync(c, t, """
            UPDATE connector_sources SET name = @name, settings = @settings, secret = @secret, updated_at = @updated, next_pull_at = @next
            WHERE id = @id
            """, cancellationToken, ("id", source.Id), ("name", source.Name), ("settings", JsonSerializer.Serialize(source.Settings, Json)),
            ("secret", source.Secret), ("updated", Db.Ms(source.UpdatedAt)), ("next", source.NextPullAt is { } n ? Db.Ms(n) : null)) == 1, cancellationToken);

    public Task<bool> DeleteSourceAsync(string id, CancellationToken cancellationToken) =>
        db.WriteAsync(async (c, t) => await Db.ExecuteAsync(c, t, "DELETE FROM connector_sources WHERE id = @id", cancellationToken, ("id", id)) == 1, cancellationToken);

    public Task<bool> SetPausedAsync(string id, bool paused, DateTimeOffset at, CancellationToken cancellationToken) =>
        db.WriteAsync(async (c, t) => await Db.ExecuteAsync(c, t, "UPDATE connector_sources SET paused = @paused, updated_at = @at WHERE id = @id", cancellationToken,
            ("id", id), ("paused", paused ? 1 : 0), ("at", Db.Ms(at))) == 1, cancellationToken);

    public Task RecordErrorAsync(string id, string error, DateTimeOffset at, CancellationToken cancellationToken) =>
        db.WriteAsync((c, t) => Db.ExecuteAsync(c, t, "UPDATE connector_sources SET last_error = @error, last_error_at = @at WHERE id = @id", cancellationToken,
            ("id", id), ("error", error.Length <= 2000 ? error : error[..2000]), ("at", Db.Ms(at))), cancellationToken, background: true);

    public Task<bool> ClaimPullAsync(string id, DateTimeOffset dueAt, DateTimeOffset leaseUntil, CancellationToken cancellationToken) =>
        db.WriteAsync(async (c, t) => await Db.ExecuteAsync(c, t,
            "UPDATE connector_sources SET next_pull_at = @lease WHERE id = @id AND next_pull_at = @due AND paused = 0", cancellationToken,
            ("id", id), ("due", Db.Ms(dueAt)), ("lease", Db.Ms(leaseUntil))) == 1, cancellationToken, background: true);

    public Task SavePrivacyAsync(string sourceId, SourcePrivacy? privacy, DateTimeOffset at, CancellationToken cancellationToken) =>
        db.WriteAsync(async (c, t) =>
        {
            await Db.ExecuteAsync(c, t, "DELETE FROM source_privacy WHERE source_id = @id", cancellationToken, ("id", sourceId));
            if (privacy is not null)
                await Db.ExecuteAsync(c, t, "INSERT INTO source_privacy (source_id, settings, updated_at) VALUES (@id, @settings, @at)", cancellationToken,
                    ("id", sourceId), ("settings", JsonSerializer.Serialize(privacy, Json)), ("at", Db.Ms(at)));
            return true;
        }, cancellationToken);

    public async Task<IReadOnlyDictionary<string, SourcePrivacy>> PrivacyAsync(CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        var rows = await Db.ListAsync(c, "SELECT source_id, settings FROM source_privacy", r => (Id: r.GetString(0), Settings: r.GetString(1)), cancellationToken);
        return rows.ToDictionary(r => r.Id, r => JsonSerializer.Deserialize<SourcePrivacy>(r.Settings, Json)!, StringComparer.Ordinal);
    }

    public Task<bool[]?> CommitPullAsync(PullCommit commit, CancellationToken cancellationToken)
    {
        var events = db.ProtectEvents(commit.Events); // personal data encrypted at the storage edge
        var encoded = db.EncodePayloads(events); // compressed outside the write lock, as appends are
        return db.WriteAsync<bool[]?>(async (c, t) =>
        {
            // The cursor moves only from where this run read it: a second node, or a run after a crash, that read the
            // same rows commits nothing (and the messageIds would dedupe them anyway).
            var moved = await Db.ExecuteAsync(c, t, """
                UPDATE connector_sources SET pull_cursor = @to, next_pull_at = @next, last_run_at = @ran, last_run_rows = @rows
                WHERE id = @id AND pull_cursor IS NOT DISTINCT FROM @from
                """, cancellationToken, ("id", commit.SourceId), ("from", commit.FromCursor), ("to", commit.ToCursor), ("next", Db.Ms(commit.NextPullAt)),
                ("ran", Db.Ms(commit.RanAt)), ("rows", commit.Rows));
            if (moved != 1) return null;
            return commit.Events.Count == 0 ? [] : await db.InsertEventsAsync(c, t, events, encoded, cancellationToken);
        }, cancellationToken, background: true);
    }

    public async Task<long> CountEventsAsync(string sourceId, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        return Convert.ToInt64(await Db.ScalarAsync(c, null, "SELECT COUNT(*) FROM events WHERE source_id = @source", cancellationToken, ("source", sourceId)),
            CultureInfo.InvariantCulture);
    }

    private async Task<List<InboundSource>> QueryAsync(string where, CancellationToken ct, params (string, object?)[] parameters)
    {
        await using var c = await db.OpenReadAsync(ct);
        return await Db.ListAsync(c, $"SELECT {Columns} FROM connector_sources {where}", Read, ct, parameters);
    }

    private static (string, object?)[] Parameters(InboundSource s) =>
    [
        ("id", s.Id), ("name", s.Name), ("kind", s.Kind), ("settings", JsonSerializer.Serialize(s.Settings, Json)), ("secret", s.Secret), ("paused", s.Paused ? 1 : 0),
        ("created", Db.Ms(s.CreatedAt)), ("updated", Db.Ms(s.UpdatedAt)), ("cursor", s.Cursor), ("next", s.NextPullAt is { } n ? Db.Ms(n) : null),
        ("ran", s.LastRunAt is { } r ? Db.Ms(r) : null), ("rows", s.LastRunRows), ("error", s.LastError), ("errorAt", s.LastErrorAt is { } e ? Db.Ms(e) : null),
    ];

    private static InboundSource Read(DbDataReader r) => new(
        Id: r.GetString(0),
        Name: r.GetString(1),
        Kind: r.GetString(2),
        Settings: JsonSerializer.Deserialize<SourceSettings>(r.GetString(3), Json) ?? new SourceSettings(),
        Secret: r.GetString(4),
        Paused: Convert.ToInt64(r.GetValue(5), CultureInfo.InvariantCulture) != 0,
        CreatedAt: ProfileColumns.FromMs(r.GetInt64(6)),
        UpdatedAt: ProfileColumns.FromMs(r.GetInt64(7)),
        Cursor: r.NullableString(8),
        NextPullAt: r.IsDBNull(9) ? null : ProfileColumns.FromMs(r.GetInt64(9)),
        LastRunAt: r.IsDBNull(10) ? null : ProfileColumns.FromMs(r.GetInt64(10)),
        LastRunRows: Convert.ToInt32(r.GetValue(11), CultureInfo.InvariantCulture),
        LastError: r.NullableString(12),
        LastErrorAt: r.IsDBNull(13) ? null : ProfileColumns.FromMs(r.GetInt64(13)));
}
