namespace Tailor.Core.TrackingPlans;

/// <summary>Limits on the tracking plan, checked when a schema is saved.</summary>
public static class TrackingPlanLimits
{
    /// <summary>Largest schema, in bytes of JSON.</summary>
    public const int MaxSchemaBytes = 64 * 1024;

    /// <summary>Deepest nesting of a schema document.</summary>
    public const int MaxSchemaDepth = 32;

    /// <summary>Most schemas in the plan.</summary>
    public const int MaxSchemas = 1000;

    /// <summary>Longest event name a schema can be saved under (the same as an id).</summary>
    public const int MaxEventNameLength = 256;

    /// <summary>Most violations recorded for one event; the rest are counted, not listed.</summary>
    public const int MaxViolations = 20;
}
