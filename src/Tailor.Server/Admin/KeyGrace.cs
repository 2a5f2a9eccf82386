using System.Globalization;

namespace Tailor.Server.Admin;

/// <summary>Grace periods as operators write them: <c>90s</c>, <c>30m</c>, <c>24h</c>, <c>7d</c> (or <c>0</c> for none).</summary>
public static class KeyGrace
{
    /// <summary>The longest grace period a rotation may give the old key.</summary>
    public static readonly TimeSpan Max = TimeSpan.FromDays(30);

    public static bool TryParse(string? text, out TimeSpan grace) => TryParseDuration(text, out grace) && grace <= Max;

    /// <summary>A duration written <c>90s</c>, <c>30m</c>, <c>24h</c>, <c>7d</c> or <c>0</c>, of any length (callers bound it).</summary>
    public static bool TryParseDuration(string? text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(text)) return false;
        text = text.Trim();
        if (text == "0") return true;
        var unit = text[^1] switch { 's' => TimeSpan.FromSeconds(1), 'm' => TimeSpan.FromMinutes(1), 'h' => TimeSpan.FromHours(1), 'd' => TimeSpan.FromDays(1), _ => TimeSpan.Zero };
        if (unit == TimeSpan.Zero || !int.TryParse(text[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n > 1_000_000) return false;
        duration = unit * n;
        return true;
    }

    public const string Rule = "must be a duration such as 30m, 24h or 7d (0 for none), at most 30d";
}
