namespace Tailor.Core.Events;

/// <summary>The six message types of the Segment tracking spec.</summary>
public enum EventType
{
    Track,
    Identify,
    Page,
    Screen,
    Group,
    Alias,
}

/// <summary>Names of event types as they appear on the wire.</summary>
public static class EventTypes
{
    public static string ToWire(this EventType type) => type switch
    {
        EventType.Track => "track",
        EventType.Identify => "identify",
        EventType.Page => "page",
        EventType.Screen => "screen",
        EventType.Group => "group",
        EventType.Alias => "alias",
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    public static bool TryParse(string? wire, out EventType type)
    {
        switch (wire)
        {
            case "track": type = EventType.Track; return true;
            case "identify": type = EventType.Identify; return true;
            case "page": type = EventType.Page; return true;
            case "screen": type = EventType.Screen; return true;
            case "group": type = EventType.Group; return true;
            case "alias": type = EventType.Alias; return true;
            default: type = default; return false;
        }
    }
}
