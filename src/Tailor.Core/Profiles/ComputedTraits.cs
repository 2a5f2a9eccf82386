namespace Tailor.Core.Profiles;

/// <summary>
/// Traits Tailor keeps current as events arrive. Every one is a count, a sum, a min or a max, so two profiles'
/// values combine exactly when the profiles merge.
/// </summary>
public sealed class ComputedTraits
{
    public DateTimeOffset? FirstSeen { get; set; }
    public DateTimeOffset? LastSeen { get; set; }
    public long EventCount { get; set; }
    public Dictionary<string, long> EventCounts { get; init; } = new(StringComparer.Ordinal);
    public long OrderCount { get; set; }
    public decimal TotalRevenue { get; set; }
    public DateTimeOffset? LastOrderAt { get; set; }
    public double EngagementScore { get; set; }

    public decimal AverageOrderValue => OrderCount == 0 ? 0m : decimal.Round(TotalRevenue / OrderCount, 2);

    public void Absorb(ComputedTraits other)
    {
        FirstSeen = Min(FirstSeen, other.FirstSeen);
        LastSeen = Max(LastSeen, other.LastSeen);
        EventCount += other.EventCount;
        foreach (var (name, count) in other.EventCounts)
            EventCounts[name] = EventCounts.GetValueOrDefault(name) + count;
        OrderCount += other.OrderCount;
        TotalRevenue += other.TotalRevenue;
        LastOrderAt = Max(LastOrderAt, other.LastOrderAt);
        EngagementScore += other.EngagementScore;
    }

    internal static DateTimeOffset? Min(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a < b ? a : b;

    internal static DateTimeOffset? Max(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a > b ? a : b;
}
