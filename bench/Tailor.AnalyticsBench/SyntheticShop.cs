using Tailor.Analytics.Propensity;

namespace Tailor.AnalyticsBench;

/// <summary>
/// Generated customers for scale, with behaviour that carries signal (so the model has something to find):
/// each customer has a buying rate λ ~ Gamma(2, 1/60) orders per day (mean one order a month) and a lifetime after
/// which they stop, exponential with mean 240 days, starting at a uniform moment in the 365 days before the cutoff.
/// While alive they order as a Poisson process at λ (revenue lognormal, median 40) and view products at 4λ; a customer
/// still alive at the cutoff keeps going into the horizon, one who stopped does not. So recency, frequency and recent
/// views all say something about the label, none says everything. Seeded: the same seed gives the same events.
/// </summary>
internal static class SyntheticShop
{
    public static readonly DateTimeOffset Cutoff = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static List<PropensityEvent> Generate(int customers, int horizonDays, int seed)
    {
        var random = new Random(seed);
        var events = new List<PropensityEvent>(customers * 24);
        for (var c = 0; c < customers; c++)
        {
            var id = $"profile_{c:D7}";
            var rate = Gamma2(random) / 60.0;
            var start = -365 * random.NextDouble();
            var end = start - (240 * Math.Log(1 - random.NextDouble()));
            var stop = Math.Min(end, horizonDays);
            var ordered = false;
            for (var t = start + Exponential(random, rate); t < stop; t += Exponential(random, rate))
            {
                events.Add(new PropensityEvent(id, "Order Completed", Cutoff.AddDays(t), Math.Round(40 * Math.Exp(0.6 * Normal(random)), 2)));
                ordered = true;
            }
            for (var t = start + Exponential(random, 4 * rate); t < stop; t += Exponential(random, 4 * rate))
            {
                events.Add(new PropensityEvent(id, "Product Viewed", Cutoff.AddDays(t), 0));
            }
            if (!ordered)
            {
                // Everyone signs up; a profile with no order yet is still a profile (next-purchase population).
                events.Add(new PropensityEvent(id, "Signed Up", Cutoff.AddDays(start), 0));
            }
        }
        return events;
    }

    private static double Exponential(Random random, double rate) => -Math.Log(1 - random.NextDouble()) / rate;

    private static double Gamma2(Random random) => Exponential(random, 1) + Exponential(random, 1);

    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
