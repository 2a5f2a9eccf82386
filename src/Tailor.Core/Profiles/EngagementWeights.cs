namespace Tailor.Core.Profiles;

/// <summary>
/// Points an event adds to a profile's engagement score, by event name. <c>page</c> and <c>screen</c> calls count as
/// <c>Page Viewed</c> and <c>Screen Viewed</c>. Bound from configuration section <c>Tailor:Engagement:Weights</c>.
/// </summary>
public sealed class EngagementWeights
{
    public Dictionary<string, double> Weights { get; init; } = new(StringComparer.Ordinal)
    {
        ["Email Opened"] = 1,
        ["Email Link Clicked"] = 2,
        ["Page Viewed"] = 1,
        ["Order Completed"] = 5,
    };

    public static EngagementWeights Default { get; } = new();

    public double For(string eventName) => Weights.GetValueOrDefault(eventName);
}
