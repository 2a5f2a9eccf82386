using Tailor.Core.Profiles;

namespace Tailor.Core.Segments.Evaluation;

/// <summary>
/// What a rule may look at for one profile: the profile, its events in event-time order, the segments it is in,
/// and population statistics (for "top 10 percent").
/// </summary>
/// <param name="timeline">The times of all the profile's events (any name), ascending, to cut sessions by gaps;
/// null: the gaps between <paramref name="events"/> are used.</param>
public sealed class ProfileFacts(Profile profile, IReadOnlyList<EventFact> events, IReadOnlySet<string> segments, IPopulationStats stats,
    IReadOnlyList<DateTimeOffset>? timeline = null)
{
    /// <summary>Without a client session id, a session ends after this long without an event (the usual 30 minutes).</summary>
    public static readonly TimeSpan SessionGap = TimeSpan.FromMinutes(30);

    private string[]? _sessions;

    public Profile Profile { get; } = profile;
    public IReadOnlyList<EventFact> Events { get; } = events;
    public IReadOnlySet<string> Segments { get; } = segments;
    public IPopulationStats Stats { get; } = stats;

    /// <summary>
    /// The session of each event (aligned with <see cref="Events"/>): the client's id, else the run of events of any
    /// name without a gap of more than 30 minutes that it falls in.
    /// </summary>
    public string SessionOf(int index)
    {
        if (_sessions is null)
        {
            var sessions = new string[Events.Count];
            if (timeline is null)
            {
                var derived = 0;
                for (var i = 0; i < Events.Count; i++)
                {
                    if (i > 0 && Events[i].Timestamp - Events[i - 1].Timestamp > SessionGap) derived++;
                    sessions[i] = Events[i].ClientSessionId is { } client ? "c:" + client : "g:" + derived;
                }
            }
            else
            {
                // Session starts: the first event and every event after a longer gap; an event belongs to the last start at or before it.
                var starts = new List<DateTimeOffset>();
                for (var i = 0; i < timeline.Count; i++)
                    if (i == 0 || timeline[i] - timeline[i - 1] > SessionGap) starts.Add(timeline[i]);
                for (var i = 0; i < Events.Count; i++)
                {
                    var at = starts.BinarySearch(Events[i].Timestamp);
                    var session = at >= 0 ? at : ~at - 1;
                    sessions[i] = Events[i].ClientSessionId is { } client ? "c:" + client : "g:" + session.ToString(System.Globalization.CultureInfo.InvariantCulture);
                }
            }
            _sessions = sessions;
        }
        return _sessions[index];
    }
}

/// <summary>Statistics over all profiles that some rules compare against.</summary>
public interface IPopulationStats
{
    /// <summary>The smallest value of computed trait <paramref name="name"/> that is in the top <paramref name="percent"/> of profiles; null when unknown.</summary>
    decimal? TopThreshold(string name, decimal percent);
}

/// <summary>No statistics known: "top N percent" conditions are false.</summary>
public sealed class NoPopulationStats : IPopulationStats
{
    public static NoPopulationStats Instance { get; } = new();

    public decimal? TopThreshold(string name, decimal percent) => null;
}
