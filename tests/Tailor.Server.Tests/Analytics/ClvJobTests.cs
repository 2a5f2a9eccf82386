using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Tailor.Analytics.Lifetime;
using Tailor.Application;
using Tailor.Application.Analytics;
using Tailor.Application.Analytics.Lifetime;
using Tailor.Core.Analytics;
using Tailor.Core.Events;
using Tailor.Core.Identity;
using Tailor.Server.Tests.Hosting;
using static Tailor.Tests.Support.Messages;

namespace Tailor.Server.Tests.Analytics;

/// <summary>
/// The <c>clv</c> run over SQLite: orders from the log become the same calibration summaries and the same fits as the
/// numerics give on the transactions themselves (the numerics are checked against published and scipy values in
/// Tailor.Analytics.Tests), and the predictions are written back as traits.
/// </summary>
public sealed class ClvJobTests() : SqliteStoreTest("clv-job")
{
    private AnalyticsRuns _runs = null!;

    protected override ValueTask SetUpAsync()
    {
        var scores = new ScoreWriter(Store.Analytics, new EventLogSink(Store.Events), Time);
        _runs = new AnalyticsRuns([new ClvJob(Store.Analytics, scores)], Store.Analytics, new IdSource(Time), Time, NullLogger<AnalyticsRuns>.Instance);
        return ValueTask.CompletedTask;
    }

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();

    // 150 customers drawn from BG/NBD with CDNOW-like parameters over 39 weeks, each purchase an order event at noon UTC.
    private async Task<List<Transaction>> CustomersAsync()
    {
        var truth = new BgNbdModel(0.5, 4, 0.8, 2.5);
        var spend = new GammaGammaModel(6, 4, 15);
        var random = new Random(5);
        var end = DateOnly.FromDateTime(Time.GetUtcNow().UtcDateTime);
        var transactions = new List<Transaction>();
        var events = new List<TailorEvent>();
        for (var i = 0; i < 150; i++)
        {
            var firstDay = end.AddDays(-273 + random.Next(0, 84));
            var days = new List<int> { 0 };
            // Draw the repeat purchases day by day from the model's story.
            var lambda = MathNet.Numerics.Distributions.Gamma.Sample(random, truth.R, truth.Alpha);
            var p = MathNet.Numerics.Distributions.Beta.Sample(random, truth.A, truth.B);
            var weeks = 0.0;
            var age = (end.DayNumber - firstDay.DayNumber) / 7.0;
            while (true)
            {
                weeks += MathNet.Numerics.Distributions.Exponential.Sample(random, lambda);
                if (weeks > age) break;
                days.Add((int)Math.Round(weeks * 7));
                if (random.NextDouble() < p) break;
            }
            var nu = MathNet.Numerics.Distributions.Gamma.Sample(random, spend.Q, spend.Gamma);
            foreach (var (day, k) in days.Select((d, k) => (d, k)))
            {
                var date = firstDay.AddDays(Math.Min(day, end.DayNumber - firstDay.DayNumber));
                var amount = Math.Round(MathNet.Numerics.Distributions.Gamma.Sample(random, spend.P, nu), 2);
                transactions.Add(new Transaction($"u{i:D3}", date, amount));
                events.Add(Track("Order Completed", new DateTimeOffset(date.ToDateTime(new TimeOnly(1, 0)), TimeSpan.Zero), userId: $"u{i:D3}",
                    properties: new JsonObject { ["revenue"] = amount, ["order_id"] = $"o{i}-{k}" }));
            }
        }
        await IngestAsync(ConsentingToProfiling([.. events]));
        return transactions;
    }

    [Fact]
    public async Task Predictions_are_those_of_the_models_fitted_on_the_same_orders_and_are_written_back()
    {
        var transactions = await CustomersAsync();
        var run = (await _runs.RunAsync(ClvJob.KindName, null, null, null, Ct)).Value!;
        await IngestAsync();
        Assert.Equal(AnalyticsRunStatus.Succeeded, run.Status);

        // The numerics on the transactions as they were generated, keyed by user id rather than profile id.
        var end = DateOnly.FromDateTime(Time.GetUtcNow().UtcDateTime);
        var summaries = CalibrationSummaries.Of(transactions, end);
        var expected = LifetimeAnalysis.Run(summaries, new LifetimeOptions(), null, Ct);
        var result = run.Result!.Value;
        Assert.Equal("bgnbd", result.GetProperty("model").GetString());
        Assert.Equal(expected.LogLikelihood, result.GetProperty("logLikelihood").GetDouble(), 1e-6);
        // Same data in another order (profile ids, not user ids): sums differ in the last bits, so allow the optimiser's tolerance.
        foreach (var (name, value) in expected.Model.Parameters)
            Assert.Equal(value, result.GetProperty("parameters").GetProperty(name).GetDouble(), 1e-4 * value);
        Assert.Equal(expected.Spend.Q, result.GetProperty("spendParameters").GetProperty("q").GetDouble(), 1e-4 * expected.Spend.Q);
        Assert.Equal(summaries.Count, result.GetProperty("customers").GetInt32());
        Assert.Equal(summaries.Count, (int)run.ProfilesWritten);

        foreach (var c in expected.Customers.Take(40))
        {
            var profile = (await Store.Profiles.FindProfileAsync(new ProfileIdentifier(IdentityTypes.UserId, c.Summary.CustomerId), Ct))!;
            var traits = profile.Traits.ToDictionary(t => t.Key, t => t.Value.Value);
            Assert.Equal(c.ProbabilityAlive, traits["p_alive"].GetDouble(), 1e-4);
            Assert.Equal(c.ExpectedPurchases, traits["expected_purchases_90d"].GetDouble(), 1e-4);
            Assert.Equal(c.LifetimeValue, traits["clv_365d"].GetDouble(), 0.01);
            Assert.Equal(run.Id, traits["clv_model"].GetProperty("version").GetString());
        }
    }

    [Fact]
    public async Task Pareto_nbd_and_other_horizons_name_their_traits()
    {
        await CustomersAsync();
        var run = (await _runs.RunAsync(ClvJob.KindName, Json("""{"model":"paretonbd","horizonDays":180,"purchasesDays":30}"""), null, null, Ct)).Value!;
        await IngestAsync();
        Assert.Equal(AnalyticsRunStatus.Succeeded, run.Status);
        Assert.Equal("paretonbd", run.Result!.Value.GetProperty("model").GetString());
        var profile = (await Store.Profiles.FindProfileAsync(new ProfileIdentifier(IdentityTypes.UserId, "u000"), Ct))!;
        Assert.Contains("clv_180d", profile.Traits.Keys);
        Assert.Contains("expected_purchases_30d", profile.Traits.Keys);
    }

    [Fact]
    public async Task Data_without_repeat_purchases_fails_the_run_saying_why()
    {
        await IngestAsync(ConsentingToProfiling(Track("Order Completed", Time.GetUtcNow().AddDays(-3), userId: "solo", properties: new JsonObject { ["revenue"] = 5 })));
        var run = (await _runs.RunAsync(ClvJob.KindName, null, null, null, Ct)).Value!;
        Assert.Equal(AnalyticsRunStatus.Failed, run.Status);
        Assert.StartsWith("data: ", run.Error);
    }

    [Theory]
    [InlineData("""{"model":"gbm"}""", "parameters.model")]
    [InlineData("""{"periodDays":0}""", "parameters.periodDays")]
    [InlineData("""{"horizonDays":100000}""", "parameters.horizonDays")]
    [InlineData("""{"discountRate":-0.1}""", "parameters.discountRate")]
    [InlineData("""{"purchasesDays":0}""", "parameters.purchasesDays")]
    [InlineData("""{"orderEvent":" "}""", "parameters.orderEvent")]
    public async Task Bad_parameters_are_refused_naming_the_field(string parameters, string field) =>
        Assert.Equal(field, (await _runs.QueueAsync(ClvJob.KindName, Json(parameters), null, Ct)).Problem!.Field);
}
