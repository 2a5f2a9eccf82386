using System.Globalization;
using Tailor.Core.Delivery;

namespace Tailor.Core.Triggers;

/// <summary>
/// Reads global per-channel frequency caps written as <c>channel:max/per</c>, comma-separated:
/// <c>email:3/1d,webhook:20/1h</c> ("at most 3 emails a day to one person, across every trigger").
/// </summary>
public static class GlobalCaps
{
    public static IReadOnlyList<FrequencyCap> Parse(string? text)
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
