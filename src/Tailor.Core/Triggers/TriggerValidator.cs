using System.Security.Cryptography;
using System.Text.Json;
using Tailor.Core.Storage;

namespace Tailor.Core.Triggers;

/// <summary>Checks a definition against itself and what exists (unique name, known segment); the API and the CLI share it.</summary>
public static class TriggerValidator
{
    /// <summary>The parsed definition; throws <see cref="TriggerDefinitionException"/> naming the JSON path when invalid.</summary>
    public static TriggerDefinition Validate(JsonElement definition, TriggerCatalog catalog, IReadOnlySet<string> segmentNames, Limits.DefinitionLimits? limits = null)
    {
        var parsed = TriggerJson.Parse(definition, limits);
        CheckSegmentOnlyRules(parsed);
        if (catalog.All.Exists(t => t.Stored.Name == parsed.Name) || catalog.Disabled.Exists(t => t.Stored.Name == parsed.Name))
            throw new TriggerDefinitionException("$.name", $"must be unique; a trigger named '{parsed.Name}' exists");
        if (parsed.Start is SegmentStart start && !segmentNames.Contains(start.Segment))
            throw new TriggerDefinitionException("$.start.segment", $"must name an existing segment; there is no segment '{start.Segment}'");
        return parsed;
    }

    /// <summary>A rule a trigger cannot evaluate (<see cref="Segments.Rules.SegmentOnlyRules"/>) is refused, naming its path.</summary>
    private static void CheckSegmentOnlyRules(TriggerDefinition parsed)
    {
        var start = parsed.Start switch { EventStart e => e.If, ScheduleStart s => s.If, _ => null };
        if (start is not null && Segments.Rules.SegmentOnlyRules.Refusal(start) is { } refused) throw new TriggerDefinitionException("$.start.if", refused);
        for (var i = 0; i < parsed.Steps.Count; i++)
            if (parsed.Steps[i] is ConditionStep c && Segments.Rules.SegmentOnlyRules.Refusal(c.If) is { } why) throw new TriggerDefinitionException($"$.steps[{i}].if", why);
    }

    /// <summary>A new, enabled trigger with a fresh webhook signing secret (random, unlike its id, which the caller makes).</summary>
    public static StoredTrigger NewTrigger(string id, TriggerDefinition parsed, JsonElement definition, DateTimeOffset now) =>
        new(id, parsed.Name, definition.GetRawText(), true,
            $"whsec_{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24))}", now, now);
}
