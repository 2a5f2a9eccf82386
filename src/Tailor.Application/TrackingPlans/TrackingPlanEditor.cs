using Tailor.Core.Events;
using Tailor.Core.Storage;
using Tailor.Core.TrackingPlans;

namespace Tailor.Application.TrackingPlans;

/// <summary>
/// Changes to the tracking plan, once for the API and the CLI: a schema is compiled (and so checked) before it is
/// saved; a source is named by id or name.
/// </summary>
public sealed class TrackingPlanEditor(ITrackingPlanStore plans, IAccessStore sources, TimeProvider time)
{
    /// <summary>Saves the schema of <paramref name="eventName"/>; returns whether it was new, or the field and rule it breaks.</summary>
    public async Task<(bool Created, ValidationError? Error)> PutSchemaAsync(string eventName, string schemaJson, CancellationToken ct)
    {
        var (_, error) = EventSchemaCompiler.Compile(eventName, schemaJson);
        if (error is not null) return (false, error);
        if (await plans.GetEventSchemaAsync(eventName, ct) is null && (await plans.ListEventSchemasAsync(ct)).Count >= TrackingPlanLimits.MaxSchemas)
            return (false, new ValidationError("event", $"cannot be added: the plan holds at most {TrackingPlanLimits.MaxSchemas} schemas"));
        var created = await plans.PutEventSchemaAsync(new EventSchema(eventName, schemaJson, time.GetUtcNow()), ct);
        return (created, null);
    }

    public Task<bool> DeleteSchemaAsync(string eventName, CancellationToken ct) => plans.DeleteEventSchemaAsync(eventName, ct);

    /// <summary>Sets the mode of the source with id or name <paramref name="source"/>; null when there is no such source.</summary>
    public async Task<Source?> SetModeAsync(string source, TrackingMode mode, CancellationToken ct)
    {
        var found = await FindSourceAsync(source, ct);
        if (found is null) return null;
        await plans.SetTrackingModeAsync(found.Id, mode, ct);
        return found;
    }

    /// <summary>Every source with its mode.</summary>
    public async Task<IReadOnlyList<(Source Source, TrackingMode Mode)>> ModesAsync(CancellationToken ct)
    {
        var modes = await plans.TrackingModesAsync(ct);
        return [.. (await sources.ListSourcesAsync(ct)).Select(s => (s, modes.TryGetValue(s.Id, out var m) ? m : TrackingMode.Allow))];
    }

    private async Task<Source?> FindSourceAsync(string source, CancellationToken ct) =>
        await sources.FindSourceByNameAsync(source, ct) ?? (await sources.ListSourcesAsync(ct)).FirstOrDefault(s => s.Id == source);
}
