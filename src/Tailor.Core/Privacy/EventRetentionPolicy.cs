using System.Globalization;

namespace Tailor.Core.Privacy;

/// <summary>
/// How long events are kept, per event name (<c>Tailor:Privacy:EventRetention</c>, e.g. <c>{"Page Viewed": "90d", "*": "730d"}</c>):
/// a name's own age, else the <c>*</c> age for every other name (identify, page and screen calls count under their type
/// name: <c>identify</c>, <c>page</c>, …); without <c>*</c>, other events are kept forever. Empty: everything is kept.
/// </summary>
public sealed class EventRetentionPolicy
{
    /// <summary>The name that stands for every event without an age of its own.</summary>
    public const string Others = "*";

    /// <summary>The shortest age accepted: retention deletes history, a typo of "1h" for "1y" should not.</summary>
    public static readonly TimeSpan MinAge = TimeSpan.FromDays(1);

    private EventRetentionPolicy(IReadOnlyDictionary<string, TimeSpan> ages) => Ages = ages;

    /// <summary>Keeps everything.</summary>
    public static EventRetentionPolicy KeepForever { get; } = new(new Dictionary<string, TimeSpan>());

    /// <summary>Age per event name (<see cref="Others"/> for the rest).</summary>
    public IReadOnlyDictionary<string, TimeSpan> Ages { get; }

    public bool IsEmpty => Ages.Count == 0;

    /// <summary>Reads <c>name → age</c> (<c>90d</c>, <c>12w</c>, <c>2y</c>, <c>36h</c>); the problem names the entry and rule, or null.</summary>
    public static EventRetentionPolicy Parse(IReadOnlyDictionary<string, string>? ages, out string? problem)
    {
        problem = null;
        if (ages is null || ages.Count == 0) return KeepForever;
        if (ages.Count > 1000)
        {
            problem = "EventRetention: must name at most 1000 events";
            return KeepForever;
        }
        var parsed = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);
        foreach (var (name, text) in ages)
        {
            if (string.IsNullOrWhiteSpace(name) || name.Length > 200)
            {
                problem = "EventRetention: an event name must be 1 to 200 characters";
                return KeepForever;
            }
            if (ParseAge(text) is not { } age || age < MinAge)
            {
                problem = $"EventRetention:{name}: must be an age of at least 1d, like 90d, 12w, 2y or 36h";
                return KeepForever;
            }
            parsed[name] = age;
        }
        return new EventRetentionPolicy(parsed);
    }

    /// <summary><c>36h</c>, <c>90d</c>, <c>12w</c>, <c>2y</c> (365 days), at most 100 years; null when not one.</summary>
    public static TimeSpan? ParseAge(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        text = text.Trim();
        var unit = char.ToLowerInvariant(text[^1]);
        if (!int.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n <= 0 || n > 36_500) return null;
        var days = unit switch { 'h' => n / 24.0, 'd' => n, 'w' => n * 7.0, 'y' => n * 365.0, _ => -1 };
        return days < 0 || days > 36_500 ? null : TimeSpan.FromHours(days * 24);
    }
}
