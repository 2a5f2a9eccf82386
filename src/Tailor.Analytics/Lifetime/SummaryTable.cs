namespace Tailor.Analytics.Lifetime;

/// <summary>
/// The distinct (x, tₓ, T) of a set of customers with how many customers share each, plus the distinct values of x,
/// tₓ and T with each row's index into them, so a likelihood can compute what depends on one of them once per value.
/// </summary>
internal sealed class SummaryTable
{
    private SummaryTable(int[] x, double[] tx, double[] t, double[] count)
    {
        X = x;
        Tx = tx;
        T = t;
        Count = count;
        (DistinctX, XIndex) = Index(x);
        (DistinctTx, TxIndex) = Index(tx);
        (DistinctT, TIndex) = Index(t);
    }

    public int[] X { get; }
    public double[] Tx { get; }
    public double[] T { get; }
    public double[] Count { get; }
    public int[] DistinctX { get; }
    public int[] XIndex { get; }
    public double[] DistinctTx { get; }
    public int[] TxIndex { get; }
    public double[] DistinctT { get; }
    public int[] TIndex { get; }

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

    private static (TValue[] Distinct, int[] Index) Index<TValue>(TValue[] values) where TValue : notnull
    {
        var positions = new Dictionary<TValue, int>();
        var index = new int[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            if (!positions.TryGetValue(values[i], out var p))
            {
                p = positions.Count;
                positions[values[i]] = p;
            }
            index[i] = p;
        }
        var distinct = new TValue[positions.Count];
        foreach (var (value, p) in positions)
        {
            distinct[p] = value;
        }
        return (distinct, index);
    }

    /// <summary>Σx / ΣT (repeat purchases per period) and the mean T.</summary>
    public (double Rate, double MeanAge) MeanRate()
    {
        double purchases = 0, age = 0, customers = 0;
        for (var i = 0; i < X.Length; i++)
        {
            purchases += Count[i] * X[i];
            age += Count[i] * T[i];
            customers += Count[i];
        }
        return (purchases / age, age / customers);
    }

    /// <summary>The summed log-likelihood, one model call per distinct row.</summary>
    public double LogLikelihood(IPurchaseModel model)
    {
        var sum = 0.0;
        for (var i = 0; i < X.Length; i++)
        {
            sum += Count[i] * model.LogLikelihood(X[i], Tx[i], T[i]);
        }
        return sum;
    }
}
