namespace Tailor.Core.Segments.Rules;

/// <summary>
/// What a rule reads, so that a change re-evaluates only the segments it can affect: an event re-evaluates the
/// segments that name its event (or any computed trait), a trait change those that read that trait, and so on.
/// </summary>
public sealed class RuleDependencies
{
    public HashSet<string> Events { get; } = new(StringComparer.Ordinal);
    public HashSet<string> Traits { get; } = new(StringComparer.Ordinal);
    public HashSet<string> Computed { get; } = new(StringComparer.Ordinal);
    public HashSet<string> Segments { get; } = new(StringComparer.Ordinal);
    public bool Consent { get; private set; }
    public bool Tags { get; private set; }
    public bool TopPercent { get; private set; }

    /// <summary>True when the rule has a time window, so its answer can change with time alone.</summary>
    public bool TimeWindows { get; private set; }

    /// <summary>True when the rule reads events at all (the evaluator then needs the profile's event history).</summary>
    public bool NeedsEvents => Events.Count > 0;

    /// <summary>The parts of the profile itself the rule reads (traits, computed traits, consent, tags); none when it reads only events and segments.</summary>
    public Profiles.ProfileParts ProfileParts =>
        (Traits.Count > 0 ? Profiles.ProfileParts.Traits : 0) | (Computed.Count > 0 || TopPercent ? Profiles.ProfileParts.Computed : 0)
        | (Consent ? Profiles.ProfileParts.Consent : 0) | (Tags ? Profiles.ProfileParts.Tags : 0);

    /// <summary>
    /// True when the rule groups events by session: a session without a client id is cut by gaps between events of
    /// any name, so the evaluator needs the times of all the profile's events.
    /// </summary>
    public bool NeedsTimeline { get; private set; }

    /// <summary>Per event name: how far back the rule looks and whether it reads properties (see <see cref="EventUse"/>).</summary>
    public IReadOnlyDictionary<string, EventUse> EventUses => _uses;

    private readonly Dictionary<string, EventUse> _uses = new(StringComparer.Ordinal);
    private readonly List<string> _forSome = []; // the properties bound by the enclosing "for some": read from every event inside
    private int _unboundedDepth;

    public static RuleDependencies Of(Rule rule)
    {
        var d = new RuleDependencies();
        d.Visit(rule);
        return d;
    }

    private void Visit(Rule rule)
    {
        switch (rule)
        {
            case AllOf all: foreach (var r in all.Rules) Visit(r); break;
            case AnyOf any: foreach (var r in any.Rules) Visit(r); break;
            case Not not: Visit(not.Rule); break;
            case ForSome forSome:
                // Its candidate values come from the events of the names inside. When the inner rule needs an event in
                // its windows, a value seen only on older events cannot make it true, so the windows still bound
                // what is read; otherwise ("not performed ...") every event of those names counts, whatever its age.
                var unbounded = !Evaluation.CandidateFilter.Narrows(forSome.Rule);
                if (unbounded) _unboundedDepth++;
                _forSome.Add(forSome.Property);
                Visit(forSome.Rule);
                _forSome.RemoveAt(_forSome.Count - 1);
                if (unbounded) _unboundedDepth--;
                break;
            case TraitIs trait: Traits.Add(trait.Path.Split('.')[0]); Traits.Add(trait.Path); break;
            case ComputedIs computed: Computed.Add(computed.Name); break;
            case ComputedInTop top: Computed.Add(top.Name); TopPercent = true; break;
            case Performed performed:
                Events.Add(performed.Event);
                // "since X" looks back to the latest X, however old, so neither name can be cut by age.
                var lookback = performed.Window.Since is null && _unboundedDepth == 0 ? performed.Window.Last : null;
                var paths = PathsRead(performed);
                Use(performed.Event, new EventUse(lookback, paths));
                if (performed.Window.Since is { } since)
                {
                    Events.Add(since);
                    // Inside a "for some" its events' values are candidates too, so they are read with them.
                    Use(since, new EventUse(null, new HashSet<string>(_forSome, StringComparer.Ordinal)));
                }
                if (performed.Window.Last is not null) TimeWindows = true;
                if (performed.Window.InSession) NeedsTimeline = true;
                break;
            case InSegment segment: Segments.Add(segment.Segment); break;
            case HasConsent: Consent = true; break;
            case HasTag: Tags = true; break;
        }
    }

    /// <summary>The message paths an event of <paramref name="performed"/> is read at: filters, the measure, for-some values and client session ids.</summary>
    private HashSet<string> PathsRead(Performed performed)
    {
        var paths = new HashSet<string>(_forSome, StringComparer.Ordinal);
        foreach (var filter in performed.Where) paths.Add(filter.Path);
        if (performed.Measure.Property is { } measured) paths.Add(measured);
        if (performed.Window.InSession) paths.UnionWith(Evaluation.EventFact.ClientSessionIdPaths);
        return paths;
    }

    private void Use(string name, EventUse use) => _uses[name] = _uses.TryGetValue(name, out var seen) ? seen.Widen(use) : use;
}

/// <summary>
/// How a rule uses one event name: events older than <see cref="Lookback"/> before the evaluation moment cannot
/// change its answer (null: every event can), and <see cref="Paths"/> are the paths of their messages it reads (as
/// <see cref="Evaluation.EventFact.Property"/> takes them; none: only the events' names and times).
/// </summary>
public readonly record struct EventUse(TimeSpan? Lookback, IReadOnlySet<string> Paths)
{
    /// <summary>Whether the events' properties are read at all.</summary>
    public bool Properties => Paths is { Count: > 0 };

    /// <summary>The use that covers both: the longer lookback, the paths of both.</summary>
    public EventUse Widen(EventUse other) => new(
        Lookback is { } a && other.Lookback is { } b ? (a > b ? a : b) : null,
        Union(Paths, other.Paths));

    private static IReadOnlySet<string> Union(IReadOnlySet<string> a, IReadOnlySet<string> b)
    {
        if (b.Count == 0 || a.IsSupersetOf(b)) return a;
        if (a.Count == 0) return b;
        var both = new HashSet<string>(a, StringComparer.Ordinal);
        both.UnionWith(b);
        return both;
    }
}
