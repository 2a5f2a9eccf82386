using System.Diagnostics;
using System.Globalization;
using Tailor.Analytics.Propensity;

namespace Tailor.AnalyticsBench;

/// <summary>
/// The <c>propensity</c> mode: times propensity training as a run does it: features (schema and table from the events), 5-fold cross-validation of
/// LightGBM and the recency baseline, and the final fit; generation of the events is not timed. Target: 100,000
/// customers in at most 60 s. Prints one line per repetition and the median.
/// </summary>
internal static class PropensityBench
{
    public static int Run(string[] args)
    {
        var customers = Option(args, "--customers", 100_000);
        var repeat = Option(args, "--repeat", 3);
        var seed = Option(args, "--seed", 19);
        // churn trains on customers who ordered before the cutoff; next_purchase on every profile (all N customers).
        var target = args.Contains("--next-purchase") ? PropensityTarget.NextPurchase : PropensityTarget.Churn;
        var question = new PropensityQuestion(target, 90, "Order Completed");

        var generated = Stopwatch.StartNew();
        var events = SyntheticShop.Generate(customers, question.HorizonDays, seed);
        Console.WriteLine($"generated {customers:N0} customers, {events.Count:N0} events in {generated.Elapsed.TotalSeconds:0.0} s");

        var totals = new List<double>();
        for (var r = 0; r < repeat; r++)
        {
            var total = Stopwatch.StartNew();
            var schema = PropensityFeatureBuilder.ChooseSchema(events, SyntheticShop.Cutoff, question.OrderEvent);
            var table = PropensityFeatureBuilder.BuildTraining(events, SyntheticShop.Cutoff, question, schema);
            var features = total.Elapsed.TotalSeconds;
            var training = PropensityTrainer.Train(table, new GradientBoostingOptions(), PropensityTrainer.DefaultFolds);
            var seconds = total.Elapsed.TotalSeconds;
            totals.Add(seconds);
            var v = training.Validation;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"run {r + 1}: {v.Rows:N0} rows × {schema.FeatureNames.Count} features, {v.Positives:N0} positive ({question.TargetName}); features {features:0.0} s, " +
                $"total {seconds:0.0} s; CV AUC model {v.GradientBoosting.MeanAuc:0.000}, recency {v.Baseline.MeanAuc:0.000}"));
        }
        totals.Sort();
        var median = totals[totals.Count / 2];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"median total {median:0.0} s (target ≤ 60 s: {(median <= 60 ? "met" : "NOT met")})"));
        return 0;
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
