using Tailor.Core.Limits;
using Tailor.Core.Segments.Rules;

namespace Tailor.Core.Segments;

/// <summary>
/// The live segments, compiled: each one's effective rule (its parent's membership AND its own rule), what it reads,
/// and an evaluation order in which every segment comes after the segments it refers to. Immutable; rebuilt when a
/// segment is created, changed or deleted.
/// </summary>
public sealed class SegmentCatalog
{
    private readonly Dictionary<string, Compiled> _byId = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Compiled> _byName = new(StringComparer.Ordinal);

    public sealed record Compiled(SegmentDefinition Definition, Rule EffectiveRule, RuleDependencies Dependencies, int Order)
    {
        public string Id => Definition.Id;
        public string Name => Definition.Name;

        /// <summary>Whether every member has some event or computed value the rule names (<see cref="Evaluation.CandidateFilter.Narrows"/>).</summary>
        public bool Narrows { get; } = Evaluation.CandidateFilter.Narrows(EffectiveRule);
    }

    public static SegmentCatalog Empty { get; } = new([]);

    /// <summary>Stored segments that cannot be loaded, each with <see cref="SegmentDefinition.Disabled"/> saying why; never evaluated.</summary>
    public IReadOnlyList<SegmentDefinition> Disabled { get; private init; } = [];

    /// <summary>
    /// The catalog of stored segments: unlike the constructor, never fails. A segment that cannot be read, breaks a
    /// limit, or cannot take part (refers to a missing or disabled segment, or to itself through others) is set
    /// aside in <see cref="Disabled"/> with the reason, and the others load.
    /// </summary>
    public static SegmentCatalog Load(IEnumerable<SegmentDefinition> stored, DefinitionLimits limits)
    {
        var disabled = new List<SegmentDefinition>();
        var live = new List<SegmentDefinition>();
        foreach (var d in stored)
        {
            if (d.Disabled is not null) disabled.Add(d);
            else if (RuleLimitCheck.Violation(d.Rule, limits) is { } violation) disabled.Add(d with { Disabled = $"its rule breaks a limit: it must be {violation}" });
            else live.Add(d);
        }
        while (true)
        {
            try
            {
                return new SegmentCatalog(live) { Disabled = disabled };
            }
            catch (SegmentCatalogException ex)
            {
                // Each round disables one segment, so this ends; its dependents fail in a later round, each with its own reason.
                var index = live.FindIndex(d => d.Name == ex.Segment);
                if (index < 0) index = 0;
                disabled.Add(live[index] with { Disabled = ex.Rule });
                live.RemoveAt(index);
            }
        }
    }

    /// <summary>A disabled segment by id or name.</summary>
    public SegmentDefinition? DisabledSegment(string idOrName) => Disabled.FirstOrDefault(d => d.Id == idOrName || d.Name == idOrName);

    /// <exception cref="SegmentCatalogException">A rule refers to an unknown segment, or segments refer to each other in a cycle.</exception>
    public SegmentCatalog(IEnumerable<SegmentDefinition> definitions)
    {
        var list = definitions.ToList();
        var names = new Dictionary<string, SegmentDefinition>(StringComparer.Ordinal);
        var ids = new Dictionary<string, SegmentDefinition>(StringComparer.Ordinal);
        foreach (var d in list)
        {
            if (!names.TryAdd(d.Name, d)) throw new SegmentCatalogException(d.Name, "has the same name as another segment");
            if (!ids.TryAdd(d.Id, d)) throw new SegmentCatalogException(d.Name, $"has the same id ({d.Id}) as another segment");
        }

        // Depth-first topological order over "refers to" (rule references and the parent), with an explicit stack:
        // a chain of thousands of segments each referring to the next must not overflow the call stack.
        var state = new Dictionary<string, int>(StringComparer.Ordinal); // 1 visiting, 2 done
        var ordered = new List<SegmentDefinition>();
        void Visit(SegmentDefinition root)
        {
            if (state.GetValueOrDefault(root.Id) == 2) return;
            var stack = new Stack<(SegmentDefinition Segment, IEnumerator<string> References)>();
            var path = new List<string>();
            void Enter(SegmentDefinition d)
            {
                state[d.Id] = 1;
                path.Add(d.Name);
                stack.Push((d, References(d).GetEnumerator()));
            }
            Enter(root);
            while (stack.Count > 0)
            {
                var (d, references) = stack.Peek();
                if (references.MoveNext())
                {
                    if (!names.TryGetValue(references.Current, out var target))
                        throw new SegmentCatalogException(d.Name, $"refers to segment \"{references.Current}\", which does not exist");
                    var seen = state.GetValueOrDefault(target.Id);
                    if (seen == 1)
                        throw new SegmentCatalogException(target.Name, $"segments refer to each other in a cycle: {string.Join(" → ", path)} → {target.Name}");
                    if (seen == 0) Enter(target);
                    continue;
                }
                references.Dispose();
                stack.Pop();
                path.RemoveAt(path.Count - 1);
                state[d.Id] = 2;
                ordered.Add(d);
            }
        }
        IEnumerable<string> References(SegmentDefinition d)
        {
            foreach (var name in RuleDependencies.Of(d.Rule).Segments) yield return name;
            if (d.ParentId is { } parent)
            {
                if (!ids.TryGetValue(parent, out var p)) throw new SegmentCatalogException(d.Name, $"has parent {parent}, which does not exist");
                yield return p.Name;
            }
        }
        foreach (var d in list) Visit(d);

        for (var i = 0; i < ordered.Count; i++)
        {
            var d = ordered[i];
            var effective = d.ParentId is { } parentId
                ? new AllOf(ValueList.Of(new InSegment(ids[parentId].Name), d.Rule))
                : d.Rule;
            var compiled = new Compiled(d, effective, RuleDependencies.Of(effective), i);
            _byId[d.Id] = compiled;
            _byName[d.Name] = compiled;
        }
        InOrder = [.. _byId.Values.OrderBy(c => c.Order)];
        TopPercentTerms = [.. InOrder.SelectMany(c => TopTerms(c.EffectiveRule)).Distinct()];
    }

    /// <summary>Every (computed trait, percent) that a "top N percent" condition needs a threshold for.</summary>
    public IReadOnlyList<(string Name, decimal Percent)> TopPercentTerms { get; }

    private static IEnumerable<(string, decimal)> TopTerms(Rule rule) => rule switch
    {
        ComputedInTop top => [(top.Name, top.Percent)],
        AllOf all => all.Rules.SelectMany(TopTerms),
        AnyOf any => any.Rules.SelectMany(TopTerms),
        Not not => TopTerms(not.Rule),
        ForSome forSome => TopTerms(forSome.Rule),
        _ => [],
    };

    /// <summary>The given segments and every segment that refers to them, directly or not, in evaluation order.</summary>
    public IReadOnlyList<Compiled> WithDependents(IEnumerable<string> segmentIds)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var id in segmentIds)
            if (ById(id) is { } c) names.Add(c.Name);
        var result = new List<Compiled>();
        foreach (var c in InOrder)
        {
            if (!names.Contains(c.Name) && !c.Dependencies.Segments.Overlaps(names)) continue;
            names.Add(c.Name);
            result.Add(c);
        }
        return result;
    }

    /// <summary>Every segment, each after the segments it refers to.</summary>
    public IReadOnlyList<Compiled> InOrder { get; }

    public Compiled? ById(string id) => _byId.GetValueOrDefault(id);

    public Compiled? ByName(string name) => _byName.GetValueOrDefault(name);

    /// <summary>
    /// The segments a change can affect, in evaluation order: those that read one of <paramref name="events"/>,
    /// any computed trait (every event changes some), a trait when <paramref name="traits"/>, consent or tags when
    /// those changed; then, transitively, the segments that refer to an affected one.
    /// </summary>
    /// <param name="newProfile">The profile is new: also every segment a profile can meet without the events or
    /// computed values its rule names (<c>not performed …</c>, traits, segments), since it was in none yet.</param>
    public IReadOnlyList<Compiled> Affected(IReadOnlySet<string> events, bool traits, bool consent, bool tags, bool newProfile = false)
    {
        var affected = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<Compiled>();
        foreach (var c in InOrder)
        {
            var d = c.Dependencies;
            var hit = (newProfile && !c.Narrows)
                || ComputedChangedBy(d.Computed, events)
                || (traits && d.Traits.Count > 0)
                || (consent && d.Consent)
                || (tags && d.Tags)
                || d.Events.Overlaps(events)
                || d.Segments.Overlaps(affected);
            if (!hit) continue;
            affected.Add(c.Name);
            result.Add(c);
        }
        return result;
    }

    /// <summary>As <see cref="Affected(IReadOnlySet{string}, bool, bool, bool)"/>, with what changed as <see cref="Evaluation.ProfileInputs"/>.</summary>
    public IReadOnlyList<Compiled> Affected(IReadOnlySet<string> events, Evaluation.ProfileInputs inputs, bool newProfile = false) =>
        Affected(events, (inputs & Evaluation.ProfileInputs.Traits) != 0, (inputs & Evaluation.ProfileInputs.Consent) != 0, (inputs & Evaluation.ProfileInputs.Tags) != 0, newProfile);

    /// <summary>
    /// Whether events of these names can change one of the computed traits (as <c>ProfileReducer</c> folds them):
    /// order counts and revenue move only with an order, <c>eventCounts.X</c> only with an X; event counts and the
    /// engagement score (whose weights are configured) with any event.
    /// </summary>
    public static bool ComputedChangedBy(IReadOnlySet<string> computed, IReadOnlySet<string> events)
    {
        if (computed.Count == 0 || events.Count == 0) return false;
        foreach (var name in computed)
        {
            var changed = name switch
            {
                "orderCount" or "totalRevenue" or "averageOrderValue" => events.Contains(Profiles.ProfileReducer.OrderCompleted),
                _ when name.StartsWith(EventCountsPrefix, StringComparison.Ordinal) => events.Contains(name[EventCountsPrefix.Length..]),
                _ => true,
            };
            if (changed) return true;
        }
        return false;
    }

    private const string EventCountsPrefix = "eventCounts.";
}

/// <summary>A segment that cannot be part of the catalog, and why.</summary>
public sealed class SegmentCatalogException(string segment, string rule) : InvalidOperationException($"segment \"{segment}\" {rule}")
{
    public string Segment { get; } = segment;
    public string Rule { get; } = rule;
}
