namespace Tailor.Analytics.Lifetime;

/// <summary>The distinct (x, tₓ, T) of a set of customers with how many customers share each, for the likelihood sums.</summary>
internal sealed class SummaryTable
{
    private readonly int[] _x;
    private readonly double[] _tx;
    private readonly double[] _t;
    private readonly double[] _count;

    private SummaryTable(int[] x, double[] tx, double[] t, double[] count)
    {
        _x = x;
        _tx = tx;
        _t = t;
        _count = count;
    }

    public static SummaryTable Of(IReadOnlyList<CustomerSummary> customers)
    {
        var counts = new Dictionary<(int, double, double), int>();
        foreach (var c in customers)
        {
            if (c.Frequency < 0 || c.Recency < 0 || !(c.Age > 0) || c.Recency > c.Age || (c.Frequency == 0 && c.Recency != 0))
            {
                throw new ArgumentException($"Customer {c.CustomerId}: need x ≥ 0, T > 0, 0 ≤ tx ≤ T and tx = 0 when x = 0 (got x = {c.Frequency}, tx = {c.Recency}, T = {c.Age}).", nameof(customers));
            }
            var key = (c.Frequency, c.Recency, c.Age);
            counts[key] = counts.GetValueOrDefault(key) + 1;
        }
        if (!counts.Keys.Any(k => k.Item1 > 0))
        {
            throw new ArgumentException("Fitting a purchase model needs at least one customer with a repeat purchase.", nameof(customers));
        }
        var rows = counts.ToArray();
        return new SummaryTable(
            rows.Select(r => r.Key.Item1).ToArray(),
            rows.Select(r => r.Key.Item2).ToArray(),
            rows.Select(r => r.Key.Item3).ToArray(),
            rows.Select(r => (double)r.Value).ToArray());
    }

    /// <summary>Σx / ΣT (repeat purchases per period) and the mean T.</summary>
    public (double Rate, double MeanAge) MeanRate()
    {
        double purchases = 0, age = 0, customers = 0;
        for (var i = 0; i < _x.Length; i++)
        {
            purchases += _count[i] * _x[i];
            age += _count[i] * _t[i];
            customers += _count[i];
        }
        return (purchases / age, age / customers);
    }

    public double LogLikelihood(IPurchaseModel model)
    {
        var sum = 0.0;
        for (var i = 0; i < _x.Length; i++)
        {
            sum += _count[i] * model.LogLikelihood(_x[i], _tx[i], _t[i]);
        }
        return sum;
    }
}
