namespace Tailor.Analytics.Lifetime;

/// <summary>
/// Fits the purchase model and Gamma-Gamma to calibration summaries and predicts for every customer: P(alive),
/// E[Y(purchasesDays)], E[M] and CLV (<see cref="LifetimeValue"/>). A negative mean spend (refunds) counts as 0 in E[M].
/// Throws <see cref="ArgumentException"/> when the data cannot support the models (no repeat customers, fewer than two
/// with a positive spend, or a spend fit with q ≤ 1, where the mean spend is infinite).
/// </summary>
public static class LifetimeAnalysis
{
    public static LifetimeAnalysisResult Run(IReadOnlyList<CustomerSummary> customers, LifetimeOptions options, IProgress<double>? progress = null,
        CancellationToken ct = default)
    {
        IPurchaseModel model;
        double ll;
        int evaluations;
        switch (options.Model)
        {
            case "bgnbd":
                var bg = LifetimeFits.FitBgNbd(customers, ct);
                (model, ll, evaluations) = (bg.Model, bg.LogLikelihood, bg.Evaluations);
                break;
            case "paretonbd":
                var pareto = LifetimeFits.FitParetoNbd(customers, ct);
                (model, ll, evaluations) = (pareto.Model, pareto.LogLikelihood, pareto.Evaluations);
                break;
            default:
                throw new ArgumentException($"Unknown model {options.Model}; one of {string.Join(", ", LifetimeOptions.Models)}.", nameof(options));
        }
        progress?.Report(0.6);
        var spend = LifetimeFits.FitGammaGamma(customers, ct);
        if (spend.Model.Q <= 1)
        {
            throw new ArgumentException($"The spend model's q is {spend.Model.Q:F3} (≤ 1): the mean spend is unbounded, so no CLV can be given.", nameof(customers));
        }
        progress?.Report(0.8);
        var values = new CustomerValue[customers.Count];
        for (var i = 0; i < values.Length; i++)
        {
            var c = customers[i];
            var expectedSpend = spend.Model.ExpectedAverageSpend(c.Frequency, Math.Max(0, c.MonetaryValue));
            values[i] = new CustomerValue(c,
                model.ProbabilityAlive(c.Frequency, c.Recency, c.Age),
                model.ExpectedPurchases(options.PurchasesDays / options.PeriodDays, c.Frequency, c.Recency, c.Age),
                expectedSpend,
                LifetimeValue.Of(model, expectedSpend, c, options.HorizonDays, options.MonthlyDiscountRate, options.PeriodDays));
        }
        progress?.Report(1);
        return new LifetimeAnalysisResult(model, ll, evaluations, spend.Model, spend.LogLikelihood, spend.Customers, values);
    }
}
