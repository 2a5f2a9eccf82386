using System.Text.Json;
using Tailor.Analytics.Rfm;
using Tailor.Core.Storage;

namespace Tailor.Application.Analytics.Rfm;

/// <summary>
/// The <c>rfm</c> run: recency, frequency and monetary value of every profile with an order up to the as-of moment
/// (<see cref="RfmAnalysis"/>), written back as traits <c>rfm_recency_days</c>, <c>rfm_frequency</c>,
/// <c>rfm_monetary</c>, <c>rfm_r</c>, <c>rfm_f</c>, <c>rfm_m</c>, <c>rfm_score</c> (R·100 + F·10 + M) and
/// <c>rfm_group</c>. The result keeps the quintile boundaries (<see cref="RfmBoundaries"/>), so a profile can be scored against them
/// without ranking everyone again; scores are kept current by re-running on a schedule.
/// </summary>
public sealed class RfmJob(IAnalyticsStore store, ScoreWriter scores) : AnalyticsJob<RfmJob.Parameters>
{
    public const string KindName = "rfm";

    /// <param name="OrderEvent">The track event that is an order.</param>
    /// <param name="RevenueProperty">The order's revenue property (<see cref="OrderEvents"/>).</param>
    /// <param name="WriteTraits">Write the scores back to the profiles (false: only compute and report).</param>
    public sealed record Parameters(string OrderEvent = OrderEvents.DefaultEvent, string RevenueProperty = OrderEvents.DefaultRevenueProperty, bool WriteTraits = true);

    public override string Kind => KindName;

    protected override OperationProblem? Validate(Parameters parameters) => OrderEvents.Validate(parameters.OrderEvent, parameters.RevenueProperty);

    protected override async Task<OperationResult<AnalyticsOutput>> RunAsync(Parameters parameters, AnalyticsRequest request,
        IProgress<AnalyticsProgress> progress, CancellationToken ct)
    {
        var orders = await OrderEvents.ReadAsync(store, parameters.OrderEvent, parameters.RevenueProperty, request.AsOf, progress, 0.4, ct);
        if (!orders.Succeeded)
        {
            return orders.Problem!;
        }
        progress.Report(new AnalyticsProgress("scoring", 0.5));
        var table = RfmAnalysis.Compute(orders.Value!, request.AsOf);
        long written = 0;
        if (parameters.WriteTraits && table.Customers.Count > 0)
        {
            var total = (double)table.Customers.Count;
            var result = await scores.WriteAsync(Kind, request.RunId, RfmTraits.Model, table.Customers.Select(RfmTraits.Of), ct,
                new Progress<long>(n => progress.Report(new AnalyticsProgress($"writing traits ({n:N0})", 0.5 + 0.5 * n / total))));
            written = result.Profiles;
        }
        var summary = new RfmRunResult(
            table.Customers.Count, orders.Value!.Count, parameters.OrderEvent, parameters.RevenueProperty,
            table.Boundaries,
            Enum.GetValues<RfmGroup>().ToDictionary(RfmGroups.NameOf, g => table.Customers.Count(c => c.Group == g)),
            table.Customers.Count == 0 ? null : new RfmMeans(table.Customers.Average(c => c.RecencyDays), table.Customers.Average(c => c.Frequency), table.Customers.Average(c => c.Monetary)));
        return new AnalyticsOutput(JsonSerializer.SerializeToElement(summary, RfmRunResult.Json), [RfmChart.GroupSizes(summary)], written);
    }
}
