namespace Tailor.Analytics.Lifetime;

/// <summary>
/// Fits BG/NBD, Pareto/NBD and Gamma-Gamma by maximum likelihood (<see cref="LogParameterSearch"/>). Customers with the
/// same (x, tₓ, T) are counted once with a weight, which on real data (T in whole days) shrinks the work severalfold.
/// Starts: rate parameters from the mean purchase rate λ̄ = Σx / ΣT (r = 1, α = 1/λ̄) with a = b = 1 / s = 1, β = mean T,
/// and a second start with r = 0.5, α = 0.5/λ̄, a = 0.5, b = 2.5 / s = 0.5, β = mean T / 2.
/// </summary>
public static class LifetimeFits
{
    /// <summary>Fits BG/NBD to the customers' (x, tₓ, T).</summary>
    public static ModelFit<BgNbdModel> FitBgNbd(IReadOnlyList<CustomerSummary> customers, CancellationToken ct = default)
    {
        var table = SummaryTable.Of(customers);
        var (rate, _) = table.MeanRate();
        var starts = new[] { new[] { 1.0, 1 / rate, 1, 1 }, [0.5, 0.5 / rate, 0.5, 2.5] };
        var likelihood = new BgNbdLikelihood(table);
        var (p, ll, evaluations) = LogParameterSearch.Maximize(v => likelihood.Of(v[0], v[1], v[2], v[3]), starts, ct);
        return new ModelFit<BgNbdModel>(new BgNbdModel(p[0], p[1], p[2], p[3]), ll, customers.Count, evaluations);
    }

    /// <summary>Fits Pareto/NBD to the customers' (x, tₓ, T).</summary>
    public static ModelFit<ParetoNbdModel> FitParetoNbd(IReadOnlyList<CustomerSummary> customers, CancellationToken ct = default)
    {
        var table = SummaryTable.Of(customers);
        var (rate, meanAge) = table.MeanRate();
        var starts = new[] { new[] { 1.0, 1 / rate, 1, meanAge }, [0.5, 0.5 / rate, 0.5, meanAge / 2] };
        var (p, ll, evaluations) = LogParameterSearch.Maximize(
            v => table.LogLikelihood(new ParetoNbdModel(v[0], v[1], v[2], v[3])), starts, ct);
        return new ModelFit<ParetoNbdModel>(new ParetoNbdModel(p[0], p[1], p[2], p[3]), ll, customers.Count, evaluations);
    }

    /// <summary>
    /// Fits Gamma-Gamma to the customers with at least one repeat purchase and a positive mean spend (the others carry no
    /// information about spend under the model). Starts: p = 1, q = 2, γ = mean m, and p = 5, q = 3, γ = mean m.
    /// </summary>
    public static ModelFit<GammaGammaModel> FitGammaGamma(IReadOnlyList<CustomerSummary> customers, CancellationToken ct = default)
    {
        var repeat = customers.Where(c => c.Frequency > 0 && c.MonetaryValue > 0).ToArray();
        if (repeat.Length < 2)
        {
            throw new ArgumentException("Gamma-Gamma needs at least two customers with a repeat purchase and a positive spend.", nameof(customers));
        }
        var x = repeat.Select(c => c.Frequency).ToArray();
        var m = repeat.Select(c => c.MonetaryValue).ToArray();
        var meanM = m.Average();
        double LogLikelihood(double[] v)
        {
            var model = new GammaGammaModel(v[0], v[1], v[2]);
            var sum = 0.0;
            for (var i = 0; i < x.Length; i++)
            {
                sum += model.LogLikelihood(x[i], m[i]);
            }
            return sum;
        }
        var starts = new[] { new[] { 1.0, 2, meanM }, [5.0, 3, meanM] };
        var (p, ll, evaluations) = LogParameterSearch.Maximize(LogLikelihood, starts, ct);
        return new ModelFit<GammaGammaModel>(new GammaGammaModel(p[0], p[1], p[2]), ll, repeat.Length, evaluations);
    }
}
