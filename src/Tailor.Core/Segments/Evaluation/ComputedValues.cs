using Tailor.Core.Profiles;

namespace Tailor.Core.Segments.Evaluation;

/// <summary>The computed traits rules can compare: numbers, by name.</summary>
public static class ComputedValues
{
    public static IReadOnlyList<string> Names { get; } =
        ["eventCount", "orderCount", "totalRevenue", "averageOrderValue", "engagementScore", "eventCounts.<Event Name>"];

    public static decimal? Get(ComputedTraits c, string name) => name switch
    {
        "eventCount" => c.EventCount,
        "orderCount" => c.OrderCount,
        "totalRevenue" => c.TotalRevenue,
        "averageOrderValue" => c.AverageOrderValue,
        "engagementScore" => (decimal)c.EngagementScore,
        _ when name.StartsWith("eventCounts.", StringComparison.Ordinal) => c.EventCounts.GetValueOrDefault(name["eventCounts.".Length..]),
        _ => null,
    };

    public static bool IsKnown(string name) =>
        name is "eventCount" or "orderCount" or "totalRevenue" or "averageOrderValue" or "engagementScore"
        || (name.StartsWith("eventCounts.", StringComparison.Ordinal) && name.Length > "eventCounts.".Length);
}
