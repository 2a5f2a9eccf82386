using System.Text.Json;
using Tailor.Core.Profiles;

namespace Tailor.Core.Triggers;

/// <summary>When quiet hours, read in the profile's own timezone, hold back an action, and until when.</summary>
public static class QuietHoursWindow
{
    public const string TimezoneTrait = "timezone";

    /// <summary>The moment the quiet window that contains <paramref name="at"/> opens again; null when <paramref name="at"/> is not quiet.</summary>
    public static DateTimeOffset? QuietUntil(QuietHours quiet, Profile profile, DateTimeOffset at)
    {
        var zone = ZoneOf(quiet, profile);
        var local = TimeZoneInfo.ConvertTime(at, zone);
        var time = TimeOnly.FromDateTime(local.DateTime);
        var spansMidnight = quiet.From > quiet.To;
        var isQuiet = spansMidnight ? time >= quiet.From || time < quiet.To : time >= quiet.From && time < quiet.To;
        if (!isQuiet) return null;
        var endDate = DateOnly.FromDateTime(local.DateTime);
        if (spansMidnight && time >= quiet.From) endDate = endDate.AddDays(1);
        var end = endDate.ToDateTime(quiet.To, DateTimeKind.Unspecified);
        // A window that opens inside a daylight-saving gap opens when the clocks have moved on.
        while (zone.IsInvalidTime(end)) end = end.AddMinutes(30);
        return new DateTimeOffset(end, zone.GetUtcOffset(end)).ToUniversalTime();
    }

    /// <summary>The profile's <c>timezone</c> trait when it names a known IANA zone, else the quiet hours' default.</summary>
    public static TimeZoneInfo ZoneOf(QuietHours quiet, Profile profile)
    {
        if (profile.Traits.TryGetValue(TimezoneTrait, out var trait) && trait.Value.ValueKind == JsonValueKind.String
            && TimeZoneInfo.TryFindSystemTimeZoneById(trait.Value.GetString()!, out var own))
            return own;
        return TimeZoneInfo.FindSystemTimeZoneById(quiet.Timezone);
    }
}
