using Tailor.Core.TrackingPlans;

namespace Tailor.Core.Storage;

/// <summary>The tracking plan: a JSON Schema per event name, and per source the mode it is checked in.</summary>
public interface ITrackingPlanStore
{
    /// <summary>Creates or replaces the schema of <see cref="EventSchema.EventName"/>; returns true when it was new.</summary>
    Task<bool> PutEventSchemaAsync(EventSchema schema, CancellationToken cancellationToken);

    Task<EventSchema?> GetEventSchemaAsync(string eventName, CancellationToken cancellationToken);

    /// <summary>Every schema, by event name.</summary>
    Task<IReadOnlyList<EventSchema>> ListEventSchemasAsync(CancellationToken cancellationToken);

    /// <summary>False when there was none.</summary>
    Task<bool> DeleteEventSchemaAsync(string eventName, CancellationToken cancellationToken);

    /// <summary>Sets the mode of a source (<see cref="TrackingMode.Allow"/> removes the entry).</summary>
    Task SetTrackingModeAsync(string sourceId, TrackingMode mode, CancellationToken cancellationToken);

    /// <summary>Sources whose mode is not <see cref="TrackingMode.Allow"/>, by source id.</summary>
    Task<IReadOnlyDictionary<string, TrackingMode>> TrackingModesAsync(CancellationToken cancellationToken);
}
