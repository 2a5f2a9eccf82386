using Tailor.Analytics.Propensity;

namespace Tailor.Analytics.Tests.Propensity;

/// <summary>Small simulated event histories for the trainer tests (seeded, so each test sees the same data).</summary>
internal static class SimulatedCustomers
{
    public static readonly DateTimeOffset Cutoff = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);
    public static readonly PropensityQuestion Churn = new(PropensityTarget.Churn, 60, "Order Completed");

    /// <summary>
    /// Customers with 1–6 past orders and some product views, whose churn is decided by a coin
    /// (<paramref name="signal"/> = false) or by their behaviour (<paramref name="signal"/> = true: churn is likely when
    /// the last order is old and views were few in the last 30 days, so recency carries part of the signal and the
    /// views the rest). A churner gets no order in the horizon; a stayer one order in it.
    /// <paramref name="tell"/>: days from the cutoff of an "Account Closed" event every churner gets (null: none).
    /// </summary>
    public static List<PropensityEvent> Generate(int customers, bool signal, double? tell, int seed)
    {
        var random = new Random(seed);
        var events = new List<PropensityEvent>();
        for (var c = 0; c < customers; c++)
        {
            var id = $"p{c:D5}";
            var orders = 1 + random.Next(6);
            var lastOrderDaysAgo = double.MaxValue;
            for (var o = 0; o < orders; o++)
            {
                var daysAgo = 1 + (random.NextDouble() * 300);
                lastOrderDaysAgo = Math.Min(lastOrderDaysAgo, daysAgo);
                events.Add(new PropensityEvent(id, "Order Completed", Cutoff.AddDays(-daysAgo), 10 + (random.NextDouble() * 90)));
            }
            var recentViews = random.Next(5);
            for (var v = 0; v < recentViews; v++)
            {
                events.Add(new PropensityEvent(id, "Product Viewed", Cutoff.AddDays(-1 - (random.NextDouble() * 28)), 0));
            }
            var churns = signal
                ? random.NextDouble() < 1 / (1 + Math.Exp(-((lastOrderDaysAgo / 60) - (1.2 * recentViews) + 1)))
                : random.NextDouble() < 0.5;
            if (!churns)
            {
                events.Add(new PropensityEvent(id, "Order Completed", Cutoff.AddDays(1 + (random.NextDouble() * 55)), 50));
            }
            else if (tell is { } days)
            {
                events.Add(new PropensityEvent(id, "Account Closed", Cutoff.AddDays(days), 0));
            }
        }
        return events;
    }

    public static FeatureTable Table(List<PropensityEvent> events)
    {
        var schema = PropensityFeatureBuilder.ChooseSchema(events, Cutoff, Churn.OrderEvent);
        return PropensityFeatureBuilder.BuildTraining(events, Cutoff, Churn, schema);
    }
}
