using Tailor.Core.Segments.Rules;
using Tailor.Core.Storage;

namespace Tailor.Core.Triggers;

/// <summary>The stored triggers, each parsed once, with the event names their rules read (to load just those events).</summary>
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
            var definition = TriggerJson.Parse(stored.Definition); // stored definitions were validated when saved
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
