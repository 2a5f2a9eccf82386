using System.Text.Json;
using Tailor.Analytics.Lifetime;

namespace Tailor.Application.Analytics.Lifetime;

/// <summary>What a <c>clv</c> run (or <c>tailor analytics clv --transactions</c>) reports: the fitted models with their log-likelihoods, sizes and totals.</summary>
public sealed record ClvRunResult(
    string Model,
    IReadOnlyDictionary<string, double> Parameters,
    double LogLikelihood,
    int Evaluations,
    IReadOnlyDictionary<string, double> SpendParameters,
    double SpendLogLikelihood,
    int SpendCustomers,
    int Customers,
    int RepeatCustomers,
    int Orders,
    int SkippedCustomers,
    double PeriodDays,
    int HorizonDays,
    double DiscountRate,
    int PurchasesDays,
    double MeanProbabilityAlive,
    double TotalExpectedPurchases,
    double TotalLifetimeValue)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <param name="skipped">Customers left out: their first purchase is on the calibration end day (T = 0).</param>
    public static ClvRunResult Of(LifetimeAnalysisResult a, ClvJob.Parameters p, int orders, int skipped) => new(
        a.Model.Name, a.Model.Parameters, a.LogLikelihood, a.Evaluations, a.Spend.Parameters, a.SpendLogLikelihood, a.SpendCustomers,
        a.Customers.Count, a.Customers.Count(c => c.Summary.Frequency > 0), orders, skipped, p.PeriodDays, p.HorizonDays, p.DiscountRate, p.PurchasesDays,
        a.Customers.Count == 0 ? 0 : a.Customers.Average(c => c.ProbabilityAlive), a.Customers.Sum(c => c.ExpectedPurchases), a.Customers.Sum(c => c.LifetimeValue));
}
