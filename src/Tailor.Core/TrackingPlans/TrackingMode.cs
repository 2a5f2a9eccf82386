namespace Tailor.Core.TrackingPlans;

/// <summary>What a source does with a track event that breaks its event's schema.</summary>
public enum TrackingMode
{
    /// <summary>No check (the default).</summary>
    Allow,

    /// <summary>Accept the event and record the violations on it (<c>context.violations</c>).</summary>
    Flag,

    /// <summary>Keep the event out of the log: it is set aside as a dead letter with the violations, to be replayed.</summary>
    Block,
}

/// <summary>Names of tracking modes as they appear in the API and the CLI.</summary>
public static class TrackingModes
{
    public static string ToWire(this TrackingMode mode) => mode switch
    {
        TrackingMode.Flag => "flag",
        TrackingMode.Block => "block",
        _ => "allow",
    };

    public static bool TryParse(string? wire, out TrackingMode mode)
    {
        switch (wire)
        {
            case "allow": mode = TrackingMode.Allow; return true;
            case "flag": mode = TrackingMode.Flag; return true;
            case "block": mode = TrackingMode.Block; return true;
            default: mode = default; return false;
        }
    }
}
