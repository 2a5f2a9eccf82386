using Npgsql;
using NpgsqlTypes;
using Tailor.Application.Destinations;
using Tailor.Core.Destinations;
using Tailor.Server.Pipeline;

namespace Tailor.Server.Destinations;

/// <summary>
/// The PostgreSQL schema option of the warehouse export: the same tables as the Parquet export, created in the target
/// database's schema, with the export's positions in a table of that schema (<c>export_positions</c>). Rows and
/// positions are written in one transaction of the target database, which is the truth: a crash before its commit
/// leaves nothing, after it the next step starts from the stored positions (and rows are keyed, so a repeat inserts
/// nothing twice). Tailor's own copy of the positions follows for status and lag.
/// </summary>
internal sealed class PostgresExport(ExportReader reader, IDestinationStore store) : IDestinationDriver
{
    public const int BatchRows = 5_000;

    public string Kind => DestinationKinds.Postgres;

    public async Task<FollowerStep> StepAsync(Destination d, CancellationToken ct)
    {
        var schema = d.Settings.Schema ?? DestinationRules.DefaultSchema;
        await using var connection = new NpgsqlConnection(d.Settings.ConnectionString);
        await connection.OpenAsync(ct);
        await CreateSchemaAsync(connection, schema, ct);
        var mirror = await reader.PositionsAsync(d, ct);
        var target = new Dictionary<string, long>(StringComparer.Ordinal);
        await using (var read = new NpgsqlCommand($"SELECT name, position FROM {schema}.export_positions", connection))
        await using (var r = await read.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct)) target[r.GetString(0)] = r.GetInt64(1);
        var from = mirror.Keys.ToDictionary(k => k, k => target.GetValueOrDefault(k), StringComparer.Ordinal);
        var batch = await reader.ReadAsync(d, from, d.Settings.BatchSize ?? BatchRows, ct);
        if (!batch.Moved) return FollowerStep.Idle();

        await using (var tx = await connection.BeginTransactionAsync(ct))
        {
            foreach (var (table, move) in batch.Moves)
            {
                await using var position = new NpgsqlCommand($"""
                    INSERT INTO {schema}.export_positions (name, position) VALUES (@name, @to)
                    ON CONFLICT (name) DO UPDATE SET position = excluded.position WHERE {schema}.export_positions.position = @from
                    """, connection, tx);
                position.Parameters.AddWithValue("name", table);
                position.Parameters.AddWithValue("to", move.To);
                position.Parameters.AddWithValue("from", move.From);
                if (await position.ExecuteNonQueryAsync(ct) == 0) throw new Core.Storage.PositionConflictException($"{d.PositionName(table)} (target)", move.From);
            }
            await InsertAsync(connection, tx, schema, batch, ct);
            await tx.CommitAsync(ct);
        }
        // Tailor's copy: from what it was to what the target now holds.
        var moves = batch.Moves.Select(m => m.Value with { From = mirror[m.Key] }).ToList();
        await store.CommitAsync(new DestinationCommit(d.Id, moves, batch.Rows, batch.Refused), ct);
        return new FollowerStep((int)Math.Max(1, batch.Rows));
    }

    private static async Task CreateSchemaAsync(NpgsqlConnection c, string schema, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand($"""
            CREATE SCHEMA IF NOT EXISTS {schema};
            CREATE TABLE IF NOT EXISTS {schema}.export_positions (name TEXT PRIMARY KEY, position BIGINT NOT NULL);
            CREATE TABLE IF NOT EXISTS {schema}.events (sequence BIGINT PRIMARY KEY, message_id TEXT NOT NULL, type TEXT NOT NULL, name TEXT, profile_id TEXT NOT NULL,
                user_id TEXT, anonymous_id TEXT, "timestamp" TIMESTAMPTZ NOT NULL, received_at TIMESTAMPTZ NOT NULL, source_id TEXT NOT NULL, revenue DOUBLE PRECISION, properties JSONB);
            CREATE TABLE IF NOT EXISTS {schema}.profiles (profile_id TEXT NOT NULL, position BIGINT NOT NULL, exported_at TIMESTAMPTZ NOT NULL, merged_into TEXT,
                identities JSONB NOT NULL, traits JSONB NOT NULL, event_count BIGINT NOT NULL, order_count BIGINT NOT NULL, total_revenue DOUBLE PRECISION NOT NULL,
                engagement_score DOUBLE PRECISION NOT NULL, consent JSONB NOT NULL, tags JSONB NOT NULL, PRIMARY KEY (profile_id, position));
            CREATE TABLE IF NOT EXISTS {schema}.memberships (history_id BIGINT PRIMARY KEY, segment_id TEXT NOT NULL, profile_id TEXT NOT NULL, change TEXT NOT NULL, at TIMESTAMPTZ NOT NULL);
            CREATE TABLE IF NOT EXISTS {schema}.sends (send_id BIGINT PRIMARY KEY, profile_id TEXT NOT NULL, channel TEXT NOT NULL, origin TEXT NOT NULL, at TIMESTAMPTZ NOT NULL);
            """, c);
        await command.ExecuteNonQueryAsync(ct);
    }

    private static async Task InsertAsync(NpgsqlConnection c, NpgsqlTransaction tx, string schema, ExportBatch batch, CancellationToken ct)
    {
        if (batch.Events.Count > 0)
        {
            var rows = batch.Events.Select(EventRow.From).ToArray();
            await ExecuteAsync(c, tx, $"""
                INSERT INTO {schema}.events SELECT * FROM unnest(@a::bigint[], @b::text[], @c::text[], @d::text[], @e::text[], @f::text[], @g::text[], @h::timestamptz[], @i::timestamptz[], @j::text[], @k::float8[], @l::jsonb[])
                ON CONFLICT DO NOTHING
                """, ct,
                ("a", rows.Select(r => r.Sequence).ToArray()), ("b", rows.Select(r => r.MessageId).ToArray()), ("c", rows.Select(r => r.Type).ToArray()),
                ("d", rows.Select(r => r.Name).ToArray()), ("e", rows.Select(r => r.ProfileId).ToArray()), ("f", rows.Select(r => r.UserId).ToArray()),
                ("g", rows.Select(r => r.AnonymousId).ToArray()), ("h", rows.Select(r => r.Timestamp.UtcDateTime).ToArray()), ("i", rows.Select(r => r.ReceivedAt.UtcDateTime).ToArray()),
                ("j", rows.Select(r => r.SourceId).ToArray()), ("k", rows.Select(r => r.Revenue).ToArray()), ("l", rows.Select(r => r.Properties).ToArray()));
        }
        if (batch.Profiles.Count > 0)
        {
            var rows = batch.Profiles.Select(ProfileRow.From).ToArray();
            var position = batch.Range(Core.Destinations.ExportTables.Profiles).Last;
            await ExecuteAsync(c, tx, $"""
                INSERT INTO {schema}.profiles SELECT p, @pos, @at, m, i::jsonb, t::jsonb, ec, oc, tr, es, co::jsonb, tg::jsonb
                FROM unnest(@a::text[], @b::text[], @c::text[], @d::text[], @e::bigint[], @f::bigint[], @g::float8[], @h::float8[], @i::text[], @j::text[]) AS x(p, m, i, t, ec, oc, tr, es, co, tg)
                ON CONFLICT DO NOTHING
                """, ct,
                ("pos", position), ("at", batch.ExportedAt.UtcDateTime),
                ("a", rows.Select(r => r.ProfileId).ToArray()), ("b", rows.Select(r => r.MergedInto).ToArray()), ("c", rows.Select(r => r.Identities).ToArray()),
                ("d", rows.Select(r => r.Traits).ToArray()), ("e", rows.Select(r => r.EventCount).ToArray()), ("f", rows.Select(r => r.OrderCount).ToArray()),
                ("g", rows.Select(r => r.TotalRevenue).ToArray()), ("h", rows.Select(r => r.EngagementScore).ToArray()), ("i", rows.Select(r => r.Consent).ToArray()),
                ("j", rows.Select(r => r.Tags).ToArray()));
        }
        if (batch.Memberships.Count > 0)
        {
            var m = batch.Memberships;
            await ExecuteAsync(c, tx, $"INSERT INTO {schema}.memberships SELECT * FROM unnest(@a::bigint[], @b::text[], @c::text[], @d::text[], @e::timestamptz[]) ON CONFLICT DO NOTHING", ct,
                ("a", m.Select(x => x.Id).ToArray()), ("b", m.Select(x => x.SegmentId).ToArray()), ("c", m.Select(x => x.ProfileId).ToArray()),
                ("d", m.Select(x => x.Entered ? "entered" : "exited").ToArray()), ("e", m.Select(x => x.At.UtcDateTime).ToArray()));
        }
        if (batch.Sends.Count > 0)
        {
            var s = batch.Sends;
            await ExecuteAsync(c, tx, $"INSERT INTO {schema}.sends SELECT * FROM unnest(@a::bigint[], @b::text[], @c::text[], @d::text[], @e::timestamptz[]) ON CONFLICT DO NOTHING", ct,
                ("a", s.Select(x => x.Id).ToArray()), ("b", s.Select(x => x.ProfileId).ToArray()), ("c", s.Select(x => x.Channel).ToArray()),
                ("d", s.Select(x => x.Origin).ToArray()), ("e", s.Select(x => x.At.UtcDateTime).ToArray()));
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection c, NpgsqlTransaction tx, string sql, CancellationToken ct, params (string Name, object Value)[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, c, tx);
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        await command.ExecuteNonQueryAsync(ct);
    }
}
