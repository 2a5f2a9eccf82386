namespace Tailor.Core.Events;

/// <summary>
/// The name an event counts under in computed traits and segment rules: a track call's own name; page and screen
/// calls are "Page Viewed" and "Screen Viewed"; identify, group and alias calls are "Identify", "Group", "Alias".
/// </summary>
public static class CountedNames
{
    public const string PageViewed = "Page Viewed";
    public const string ScreenViewed = "Screen Viewed";

    public static string Of(EventType type, string? name) => type switch
    {
        EventType.Track => name ?? "",
        EventType.Page => PageViewed,
        EventType.Screen => ScreenViewed,
        EventType.Identify => "Identify",
        EventType.Group => "Group",
        _ => "Alias",
    };

    /// <summary>The call type a counted name stands for when it is not a track call's name; null for track names.</summary>
    public static EventType? NonTrackType(string countedName) => countedName switch
    {
        PageViewed => EventType.Page,
        ScreenViewed => EventType.Screen,
        "Identify" => EventType.Identify,
        "Group" => EventType.Group,
        "Alias" => EventType.Alias,
        _ => null,
    };
}
