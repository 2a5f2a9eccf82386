using System.Text.Json.Nodes;
using Tailor.Core.Events;
using Tailor.Core.Profiles;
using Tailor.Core.Segments.Evaluation;
using Tailor.Tests.Support;

namespace Tailor.Core.Tests.Segments;

/// <summary>
/// One customer's history, written as "what happened how long before <see cref="Now"/>": each event goes through
/// the real <see cref="MessageParser"/> and is folded into a profile by <see cref="ProfileReducer"/>, as the pipeline does.
/// </summary>
internal sealed class History
{
    /// <summary>The fixed "now" every example is evaluated at (unless a test moves it).</summary>
    public static readonly DateTimeOffset Now = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly List<TailorEvent> _events = [];

    public History Track(string name, TimeSpan ago, JsonObject? properties = null, JsonObject? context = null)
    {
        _events.Add(Messages.Track(name, Now - ago, "u1", properties: properties, context: context));
        return this;
    }

    /// <summary>A <c>page</c> call (counted as <c>Page Viewed</c>) with the page path in its properties, as analytics.js sends it.</summary>
    public History Page(TimeSpan ago, string path, JsonObject? properties = null, JsonObject? context = null)
    {
        var props = properties ?? [];
        props["path"] = path;
        var message = new JsonObject
        {
            ["type"] = "page",
            ["messageId"] = $"m-{Guid.NewGuid():N}",
            ["timestamp"] = (Now - ago).ToString("O"),
            ["userId"] = "u1",
            ["properties"] = props,
        };
        if (context is not null) message["context"] = context;
        _events.Add(Messages.Parse(message.ToJsonString(), Now - ago));
        return this;
    }

    public History Identify(TimeSpan ago, JsonObject traits)
    {
        _events.Add(Messages.Identify(Now - ago, "u1", traits: traits));
        return this;
    }

    public History Tag(TimeSpan ago, params string[] tags)
    {
        _events.Add(Messages.TagsUpdated(Now - ago, "u1", add: tags));
        return this;
    }

    /// <summary>Folds the events into a profile (in arrival order) and lists them in event-time order, as the engine does.</summary>
    public ProfileFacts Facts(IReadOnlySet<string>? segments = null, IPopulationStats? stats = null)
    {
        var profile = new Profile { Id = "p1", CreatedAt = Now.AddYears(-1), UpdatedAt = Now.AddYears(-1) };
        var reducer = new ProfileReducer(EngagementWeights.Default);
        var facts = new List<EventFact>();
        for (var i = 0; i < _events.Count; i++)
        {
            var view = Messages.View(_events[i], i + 1);
            reducer.Apply(profile, view, []);
            facts.Add(EventFact.From(view));
        }
        facts.Sort((a, b) => a.Timestamp != b.Timestamp ? a.Timestamp.CompareTo(b.Timestamp) : a.Sequence.CompareTo(b.Sequence));
        return new ProfileFacts(profile, facts, segments ?? new HashSet<string>(), stats ?? NoPopulationStats.Instance);
    }

    /// <summary>As a snapshot reads them: only events of <paramref name="names"/>, with the times of all events as the timeline.</summary>
    public ProfileFacts FactsOf(params string[] names)
    {
        var all = Facts();
        var loaded = all.Events.Where(e => names.Contains(e.Name)).ToList();
        return new ProfileFacts(all.Profile, loaded, new HashSet<string>(), NoPopulationStats.Instance, [.. all.Events.Select(e => e.Timestamp)]);
    }

    public static TimeSpan Days(double days) => TimeSpan.FromDays(days);

    public static TimeSpan Hours(double hours) => TimeSpan.FromHours(hours);

    public static TimeSpan Minutes(double minutes) => TimeSpan.FromMinutes(minutes);
}
