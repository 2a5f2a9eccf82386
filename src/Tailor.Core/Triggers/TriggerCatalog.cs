using Tailor.Core.Limits;
using Tailor.Core.Segments.Rules;
using Tailor.Core.Storage;

namespace Tailor.Core.Triggers;

/// <summary>
/// The stored triggers, each parsed once, with the event names their rules read (to load just those events). A stored
/// definition that no longer parses or is beyond <see cref="DefinitionLimits.Ceiling"/> (written by an older version
/// or by hand) is disabled with the reason in <see cref="Disabled"/>: it never runs, and never stops the others.
/// </summary>
public sealed class TriggerCatalog
{
    private readonly Dictionary<string, Compiled> _byId = new(StringComparer.Ordinal);

    public static TriggerCatalog Empty { get; } = new([]);

    private readonly HashSet<string> _startEvents = new(StringComparer.Ordinal);
    private bool _startsOnAny;

    public TriggerCatalog(IEnumerable<StoredTrigger> triggers)
    {
        foreach (var stored in triggers)
        {
            TriggerDefinition definition;
            try
            {
                definition = TriggerJson.Parse(stored.Definition, DefinitionLimits.Ceiling); // validated when saved, under the configured limits
            }
            catch (TriggerDefinitionException ex)
            {
                Disabled.Add(new DisabledTrigger(stored, $"its stored definition cannot be read: {ex.Message}"));
                continue;
            }
            var compiled = new Compiled(stored, definition);
            _byId[stored.Id] = compiled;
            All.Add(compiled);
            foreach (var rule in Rules(definition)) RuleEvents.UnionWith(RuleDependencies.Of(rule).Events);
            if (stored.Enabled && definition.Start is EventStart start)
            {
                if (start.Event == EventStart.AnyEvent) _startsOnAny = true;
                else _startEvents.Add(start.Event);
            }
        }
    }

    public List<Compiled> All { get; } = [];

    /// <summary>Stored triggers that cannot be loaded, each with the reason; they never run.</summary>
    public List<DisabledTrigger> Disabled { get; } = [];

    /// <summary>A stored trigger left out of the catalog, and why.</summary>
    public sealed record DisabledTrigger(StoredTrigger Stored, string Reason);

    /// <summary>Every event name any trigger's rules read.</summary>
    public HashSet<string> RuleEvents { get; } = new(StringComparer.Ordinal);

    public Compiled? ById(string id) => _byId.GetValueOrDefault(id);

    /// <summary>True when an event of this (counted) name can start an enabled trigger.</summary>
    public bool StartsOn(string eventName) => _startsOnAny || _startEvents.Contains(eventName);

    private static IEnumerable<Rule> Rules(TriggerDefinition definition)
    {
        switch (definition.Start)
        {
            case EventStart { If: { } rule }: yield return rule; break;
            case ScheduleStart schedule: yield return schedule.If; break;
        }
        foreach (var step in definition.Steps)
            if (step is ConditionStep condition) yield return condition.If;
    }

    public sealed record Compiled(StoredTrigger Stored, TriggerDefinition Definition)
    {
        public string Id => Stored.Id;

        /// <summary>How contacts made by this trigger are attributed in the contact log.</summary>
        public string Origin => $"trigger:{Stored.Id}";
    }
}
