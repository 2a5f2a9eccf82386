using System.Text.Json;
using Tailor.Analytics.Lifetime;
using Tailor.Application.Analytics.Rfm;
using Tailor.Core.Storage;

namespace Tailor.Application.Analytics.Lifetime;

/// <summary>
/// The <c>clv</c> run: orders up to the as-of moment become calibration summaries (the as-of day is the calibration
/// end; <see cref="CalibrationSummaries"/>), the purchase model (BG/NBD or Pareto/NBD) and Gamma-Gamma are fitted
/// (<see cref="LifetimeAnalysis"/>), and each profile gets <c>p_alive</c>, <c>expected_purchases_&lt;N&gt;d</c> and
/// <c>clv_&lt;H&gt;d</c> (by default <c>expected_purchases_90d</c> and <c>clv_365d</c>).
/// </summary>
public sealed class ClvJob(IAnalyticsStore store, ScoreWriter scores) : AnalyticsJob<ClvJob.Parameters>
{
    public const string KindName = "clv";

    /// <param name="Model"><c>bgnbd</c> or <c>paretonbd</c>.</param>
    /// <param name="PeriodDays">Days per model period, 1…31 (7: weeks).</param>
    /// <param name="HorizonDays">CLV horizon, 1…3650 days.</param>
    /// <param name="DiscountRate">Monthly discount rate, 0…1.</param>
    /// <param name="PurchasesDays">Window of the expected purchases, 1…3650 days.</param>
    public sealed record Parameters(
        string OrderEvent = OrderEvents.DefaultEvent,
        string RevenueProperty = OrderEvents.DefaultRevenueProperty,
        string Model = "bgnbd",
        double PeriodDays = 7,
        int HorizonDays = 365,
        double DiscountRate = 0.01,
        int PurchasesDays = 90,
        bool WriteTraits = true);

    public override string Kind => KindName;

    protected override OperationProblem? Validate(Parameters p) =>
        OrderEvents.Validate(p.OrderEvent, p.RevenueProperty)
        ?? (!LifetimeOptions.Models.Contains(p.Model) ? OperationProblem.Invalid("parameters.model", "must be bgnbd or paretonbd")
        : p.PeriodDays is < 1 or > 31 or double.NaN ? OperationProblem.Invalid("parameters.periodDays", "must be between 1 and 31")
        : p.HorizonDays is < 1 or > 3650 ? OperationProblem.Invalid("parameters.horizonDays", "must be between 1 and 3650")
        : p.DiscountRate is < 0 or > 1 or double.NaN ? OperationProblem.Invalid("parameters.discountRate", "must be between 0 and 1")
        : p.PurchasesDays is < 1 or > 3650 ? OperationProblem.Invalid("parameters.purchasesDays", "must be between 1 and 3650")
        : null);

    protected override async Task<OperationResult<AnalyticsOutput>> RunAsync(Parameters parameters, AnalyticsRequest request,
        IProgress<AnalyticsProgress> progress, CancellationToken ct)
    {
        var orders = await OrderEvents.ReadAsync(store, parameters.OrderEvent, parameters.RevenueProperty, request.AsOf, progress, 0.2, ct);
        if (!orders.Succeeded)
        {
            return orders.Problem!;
        }
        var end = DateOnly.FromDateTime(request.AsOf.UtcDateTime);
        var transactions = orders.Value!.Select(o => new Transaction(o.CustomerId, DateOnly.FromDateTime(o.Time.UtcDateTime), o.Amount));
        var summaries = CalibrationSummaries.Of(transactions, end, parameters.PeriodDays);
        var options = new LifetimeOptions(parameters.Model, parameters.PeriodDays, parameters.HorizonDays, parameters.DiscountRate, parameters.PurchasesDays);
        progress.Report(new AnalyticsProgress($"fitting {parameters.Model} on {summaries.Count:N0} customers", 0.25));
        LifetimeAnalysisResult analysis;
        try
        {
            analysis = await Task.Run(() => LifetimeAnalysis.Run(summaries, options,
                new Progress<double>(f => progress.Report(new AnalyticsProgress("fitting", 0.25 + 0.45 * f))), ct), ct);
        }
        catch (ArgumentException ex)
        {
            return OperationProblem.Invalid("data", ex.Message);
        }
        long written = 0;
        if (parameters.WriteTraits)
        {
            var total = (double)analysis.Customers.Count;
            var model = $"{analysis.Model.Name} + gamma-gamma";
            var result = await scores.WriteAsync(Kind, request.RunId, model, analysis.Customers.Select(c => ClvTraits.Of(c, parameters)), ct,
                new Progress<long>(n => progress.Report(new AnalyticsProgress($"writing traits ({n:N0})", 0.7 + 0.3 * n / total))));
            written = result.Profiles;
        }
        var skipped = orders.Value!.Select(o => o.CustomerId).Distinct(StringComparer.Ordinal).Count() - summaries.Count;
        var summary = ClvRunResult.Of(analysis, parameters, orders.Value!.Count, skipped);
        return new AnalyticsOutput(JsonSerializer.SerializeToElement(summary, ClvRunResult.Json), [], written);
    }
}
