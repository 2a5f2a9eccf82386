using System.Data.Common;
using Tailor.Core.Storage;
using Tailor.Core.TrackingPlans;
using Tailor.Storage.Relational;

namespace Tailor.Storage.TrackingPlans;

/// <summary>The tracking plan's schemas and source modes. Plain SQL that both dialects accept.</summary>
internal sealed class SqlTrackingPlanStore(SqlDatabase db) : ITrackingPlanStore
{
    public Task<bool> PutEventSchemaAsync(EventSchema schema, CancellationToken cancellationToken) =>
        db.WriteAsync(async (c, t) =>
        {
            var existed = await Db.ScalarAsync(c, t, "SELECT 1 FROM event_schemas WHERE event_name = @name", cancellationToken, ("name", schema.EventName)) is not null;
            await Db.ExecuteAsync(c, t, """
                INSERT INTO event_schemas (event_name, schema, updated_at) VALUES (@name, @schema, @at)
                ON CONFLICT (event_name) DO UPDATE SET schema = excluded.schema, updated_at = excluded.updated_at
                """, cancellationToken, ("name", schema.EventName), ("schema", schema.Schema), ("at", Db.Ms(schema.UpdatedAt)));
            return !existed;
        }, cancellationToken);

    public async Task<EventSchema?> GetEventSchemaAsync(string eventName, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        var list = await Db.ListAsync(c, "SELECT event_name, schema, updated_at FROM event_schemas WHERE event_name = @name", ReadEventSchema, cancellationToken,
            ("name", eventName));
        return list.Count == 0 ? null : list[0];
    }

    public async Task<IReadOnlyList<EventSchema>> ListEventSchemasAsync(CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        return await Db.ListAsync(c, "SELECT event_name, schema, updated_at FROM event_schemas ORDER BY event_name", ReadEventSchema, cancellationToken);
    }

    public Task<bool> DeleteEventSchemaAsync(string eventName, CancellationToken cancellationToken) =>
        db.WriteAsync(async (c, t) => await Db.ExecuteAsync(c, t, "DELETE FROM event_schemas WHERE event_name = @name", cancellationToken, ("name", eventName)) == 1,
            cancellationToken);

    public Task SetTrackingModeAsync(string sourceId, TrackingMode mode, CancellationToken cancellationToken) =>
        db.WriteAsync(async (c, t) => mode == TrackingMode.Allow
            ? await Db.ExecuteAsync(c, t, "DELETE FROM source_tracking_modes WHERE source_id = @source", cancellationToken, ("source", sourceId))
            : await Db.ExecuteAsync(c, t, """
                INSERT INTO source_tracking_modes (source_id, mode) VALUES (@source, @mode)
                ON CONFLICT (source_id) DO UPDATE SET mode = excluded.mode
                """, cancellationToken, ("source", sourceId), ("mode", mode.ToWire())), cancellationToken);

    public async Task<IReadOnlyDictionary<string, TrackingMode>> TrackingModesAsync(CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        var rows = await Db.ListAsync(c, "SELECT source_id, mode FROM source_tracking_modes", r => (r.GetString(0), r.GetString(1)), cancellationToken);
        var modes = new Dictionary<string, TrackingMode>(StringComparer.Ordinal);
        foreach (var (source, wire) in rows)
            if (TrackingModes.TryParse(wire, out var mode)) modes[source] = mode;
        return modes;
    }

    private static EventSchema ReadEventSchema(DbDataReader r) => new(r.GetString(0), r.GetString(1), ProfileColumns.FromMs(r.GetInt64(2)));
}
