namespace Tailor.Analytics.Rfm;

/// <summary>
/// Recency, frequency and monetary value per customer as of a moment, scored in quintiles (<see cref="QuintileScores"/>)
/// and named (<see cref="RfmGroups"/>). Orders after the as-of moment are ignored. Customers are ranked in the ordinal
/// order of their ids, so ties are broken the same way on every run.
/// </summary>
public static class RfmAnalysis
{
    /// <summary>
    /// Builds the table: recency = whole days (rounded down) from the last order to <paramref name="asOf"/>, frequency
    /// = distinct order ids, monetary = the sum of <see cref="RfmOrder.Amount"/> over every row (an order given as
    /// several lines sums its lines).
    /// </summary>
    public static RfmResult Compute(IEnumerable<RfmOrder> orders, DateTimeOffset asOf)
    {
        var byCustomer = new Dictionary<string, Accumulator>(StringComparer.Ordinal);
        foreach (var order in orders)
        {
            if (order.Time > asOf)
            {
                continue;
            }
            if (!byCustomer.TryGetValue(order.CustomerId, out var acc))
            {
                acc = new Accumulator();
                byCustomer[order.CustomerId] = acc;
            }
            acc.Add(order);
        }
        var ids = byCustomer.Keys.Order(StringComparer.Ordinal).ToArray();
        var n = ids.Length;
        var recency = new double[n];
        var frequency = new double[n];
        var monetary = new double[n];
        for (var i = 0; i < n; i++)
        {
            var acc = byCustomer[ids[i]];
            recency[i] = RecencyDays(acc.Last, asOf);
            frequency[i] = acc.Orders.Count;
            monetary[i] = acc.Revenue;
        }
        var rBins = QuintileScores.Of(recency);
        var fBins = QuintileScores.Of(frequency);
        var mBins = QuintileScores.Of(monetary);
        var customers = new RfmCustomer[n];
        for (var i = 0; i < n; i++)
        {
            customers[i] = new RfmCustomer(ids[i], byCustomer[ids[i]].Last, (int)recency[i], (int)frequency[i], monetary[i],
                R: 6 - rBins[i], F: fBins[i], M: mBins[i]);
        }
        var boundaries = new RfmBoundaries(Upper(recency, rBins), Upper(frequency, fBins), Upper(monetary, mBins));
        return new RfmResult(asOf, customers, boundaries);
    }

    /// <summary>Whole days from <paramref name="lastOrderAt"/> to <paramref name="asOf"/>, rounded down (never negative).</summary>
    public static int RecencyDays(DateTimeOffset lastOrderAt, DateTimeOffset asOf) =>
        Math.Max(0, (int)Math.Floor((asOf - lastOrderAt).TotalDays));

    // The largest value in bins 1…k, for k = 1…4 (bin 1 is never empty when there is a customer).
    private static double[] Upper(double[] values, int[] bins)
    {
        if (values.Length == 0)
        {
            return [];
        }
        var upper = new double[4];
        for (var k = 1; k <= 4; k++)
        {
            var max = double.NegativeInfinity;
            for (var i = 0; i < values.Length; i++)
            {
                if (bins[i] <= k && values[i] > max)
                {
                    max = values[i];
                }
            }
            upper[k - 1] = max;
        }
        return upper;
    }

    private sealed class Accumulator
    {
        public HashSet<string> Orders { get; } = new(StringComparer.Ordinal);
        public DateTimeOffset Last { get; private set; } = DateTimeOffset.MinValue;
        public double Revenue { get; private set; }

        public void Add(RfmOrder order)
        {
            Orders.Add(order.OrderId);
            Revenue += order.Amount;
            if (order.Time > Last)
            {
                Last = order.Time;
            }
        }
    }
}
