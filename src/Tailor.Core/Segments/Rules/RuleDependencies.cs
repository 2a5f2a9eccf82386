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
            case ForSome forSome: Visit(forSome.Rule); break;
            case TraitIs trait: Traits.Add(trait.Path.Split('.')[0]); Traits.Add(trait.Path); break;
            case ComputedIs computed: Computed.Add(computed.Name); break;
            case ComputedInTop top: Computed.Add(top.Name); TopPercent = true; break;
            case Performed performed:
                Events.Add(performed.Event);
                if (performed.Window.Since is { } since) Events.Add(since);
                if (performed.Window.Last is not null) TimeWindows = true;
                break;
            case InSegment segment: Segments.Add(segment.Segment); break;
            case HasConsent: Consent = true; break;
            case HasTag: Tags = true; break;
        }
    }
}
