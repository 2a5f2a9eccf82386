using Tailor.Core.Segments.Rules;
using Tailor.Core.Storage;

namespace Tailor.Core.Segments.Evaluation;

/// <summary>What segment evaluation asks the store to read: the narrowest <see cref="SnapshotScope"/> for a set of rules.</summary>
public static class SnapshotScopes
{
    /// <summary>The union of what the rules need when evaluated at <paramref name="at"/>.</summary>
    public static SnapshotScope For(IEnumerable<(string SegmentId, RuleDependencies Dependencies)> rules, DateTimeOffset at)
    {
        var uses = new Dictionary<string, EventUse>(StringComparer.Ordinal);
        var profile = Profiles.ProfileParts.None;
        var timeline = false;
        var timers = new List<string>();
        foreach (var (segmentId, d) in rules)
        {
            profile |= d.ProfileParts;
            timeline |= d.NeedsTimeline;
            if (d.TimeWindows) timers.Add(segmentId);
            foreach (var (name, use) in d.EventUses)
                uses[name] = uses.TryGetValue(name, out var seen) ? seen.Widen(use) : use;
        }
        var events = new Dictionary<string, EventScope>(uses.Count, StringComparer.Ordinal);
        foreach (var (name, use) in uses)
        {
            // An event older than the longest window cannot count, nor move a timer (it already left every window).
            events[name] = new EventScope(use.Lookback is { } lookback ? at - lookback : null, use.Properties) { Paths = use.Properties ? use.Paths : null };
        }
        return new SnapshotScope(events, profile, timers, timeline);
    }
}
