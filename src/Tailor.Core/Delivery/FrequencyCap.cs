using System.Globalization;
using Tailor.Core.Triggers;

namespace Tailor.Core.Delivery;

/// <summary>
/// "At most <see cref="Max"/> contacts on <see cref="Channel"/> per <see cref="Per"/>", counted for one origin
/// (a trigger or campaign) or, when <see cref="Origin"/> is null, over every origin (a global cap per channel).
/// </summary>
public sealed record FrequencyCap(int Max, TimeSpan Per, string Channel, string? Origin = null)
{
    /// <summary>Why this cap is not valid, naming the field, or null.</summary>
    public string? Problem() =>
        Max < 1 ? "max must be at least 1"
        : Per <= TimeSpan.Zero ? "per must be a positive duration"
        : string.IsNullOrWhiteSpace(Channel) ? "channel is required"
        : null;

    public override string ToString() =>
        $"at most {Max} {Channel} per {Describe(Per)}{(Origin is null ? " across Tailor" : $" from {Origin}")}";

    private static string Describe(TimeSpan span) =>
        span.TotalDays >= 1 && span.TotalDays % 1 == 0 ? (span.TotalDays == 7 ? "week" : $"{span.TotalDays:0} days")
        : span.TotalHours >= 1 && span.TotalHours % 1 == 0 ? $"{span.TotalHours:0} hours"
        : $"{span.TotalMinutes:0} minutes";

    /// <summary>
    /// Reads global per-channel caps written as <c>channel:max/per</c>, comma-separated: <c>email:3/1d,webhook:20/1h</c>
    /// ("at most 3 emails a day to one person, across every trigger").
    /// </summary>
    /// <exception cref="FormatException">A part is not <c>channel:max/per</c> with a known channel.</exception>
    public static IReadOnlyList<FrequencyCap> ParseGlobal(string? text)
    {
        var caps = new List<FrequencyCap>();
        if (string.IsNullOrWhiteSpace(text)) return caps;
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var colon = part.IndexOf(':', StringComparison.Ordinal);
            var slash = part.IndexOf('/', StringComparison.Ordinal);
            if (colon <= 0 || slash < colon
                || part[..colon] is not (Channels.Email or Channels.Sms or Channels.Webhook)
                || !int.TryParse(part.AsSpan(colon + 1, slash - colon - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var max) || max < 1
                || !TriggerJson.TryDuration(part[(slash + 1)..], out var per))
                throw new FormatException($"caps: '{part}' must be channel:max/per, e.g. email:3/1d (channel email, sms or webhook; per like 30m, 24h, 7d)");
            caps.Add(new FrequencyCap(max, per, part[..colon]));
        }
        return caps;
    }
}
