using System.Collections.Frozen;
using System.Text.Json;
using Json.Schema;
using Tailor.Core.Events;

namespace Tailor.Core.TrackingPlans;

/// <summary>
/// The tracking plan as one immutable snapshot: each event name's compiled schema and each source's mode. Built once
/// per change and shared by every request; checking an event is one dictionary lookup when its source is in
/// <see cref="TrackingMode.Allow"/> mode or its name has no schema, and one schema evaluation otherwise.
/// </summary>
public sealed class TrackingPlan
{
    private readonly FrozenDictionary<string, JsonSchema> _schemas;
    private readonly FrozenDictionary<string, TrackingMode> _modes;

    /// <param name="schemas">Saved schemas; one that no longer compiles is left out and listed in <see cref="Unusable"/>.</param>
    /// <param name="modes">Mode per source id; sources not named are in <see cref="TrackingMode.Allow"/> mode.</param>
    public TrackingPlan(IEnumerable<EventSchema> schemas, IReadOnlyDictionary<string, TrackingMode> modes)
    {
        var compiled = new Dictionary<string, JsonSchema>(StringComparer.Ordinal);
        var unusable = new List<ValidationError>();
        foreach (var s in schemas)
        {
            var (schema, error) = EventSchemaCompiler.Compile(s.EventName, s.Schema);
            if (schema is not null) compiled[s.EventName] = schema;
            else unusable.Add(error! with { Field = $"{s.EventName}: {error!.Field}" });
        }
        _schemas = compiled.ToFrozenDictionary(StringComparer.Ordinal);
        _modes = modes.Where(m => m.Value != TrackingMode.Allow).ToFrozenDictionary(StringComparer.Ordinal);
        Unusable = unusable;
    }

    public static TrackingPlan Empty { get; } = new([], new Dictionary<string, TrackingMode>());

    /// <summary>Saved schemas that did not compile when the plan was built (they check nothing).</summary>
    public IReadOnlyList<ValidationError> Unusable { get; }

    public TrackingMode ModeOf(string sourceId) => _modes.TryGetValue(sourceId, out var mode) ? mode : TrackingMode.Allow;

    /// <summary>
    /// The violations of a message (the event's JSON) from <paramref name="sourceId"/>: none when the source allows
    /// everything, the message is not a track call, or its event name has no schema. The schema sees the message's
    /// <c>properties</c> (an empty object when there are none).
    /// </summary>
    public IReadOnlyList<SchemaViolation> Check(string sourceId, EventType type, string? name, JsonElement message)
    {
        if (type != EventType.Track || name is null || _modes.Count == 0 || !_modes.ContainsKey(sourceId)) return [];
        return Validate(name, message);
    }

    /// <summary>The violations of <paramref name="message"/> against the schema of <paramref name="eventName"/>, whatever the source's mode.</summary>
    public IReadOnlyList<SchemaViolation> Validate(string eventName, JsonElement message)
    {
        if (!_schemas.TryGetValue(eventName, out var schema)) return [];
        var properties = EventView.Child(message, "properties");
        if (properties.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null) properties = EmptyObject;
        try
        {
            // The quick yes/no first; the detailed walk only for the (rare) event that fails.
            if (schema.Evaluate(properties, Evaluation.FlagOnly).IsValid) return [];
            var violations = EventSchemaCompiler.Violations(schema.Evaluate(properties, Evaluation.Detailed), "properties", TrackingPlanLimits.MaxViolations);
            return violations.Count > 0 ? violations : [new SchemaViolation("properties", "does not match the schema")];
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A pattern that times out or a schema the library cannot evaluate is a violation, never a failed request.
            return [new SchemaViolation("properties", $"could not be checked against the schema ({ex.GetType().Name}: {ex.Message})")];
        }
    }

    private static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement.Clone();

    /// <summary>Apart, so that a node without a plan never initialises the schema library (its start-up cost).</summary>
    private static class Evaluation
    {
        public static readonly EvaluationOptions FlagOnly = new() { OutputFormat = OutputFormat.Flag };
        public static readonly EvaluationOptions Detailed = new() { OutputFormat = OutputFormat.List };
    }
}
