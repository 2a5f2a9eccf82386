using System.Diagnostics;
using System.Globalization;
using Tailor.Analytics.Lifetime;

namespace Tailor.AnalyticsBench;

/// <summary>
/// <c>bgnbd</c>: times the BG/NBD fit on 25,000 customers (target ≤ 5 s): the whole CDNOW file (23,570 customers,
/// calibration 1997-01-01 … 1997-09-30, weeks) topped up with customers simulated from the published BG/NBD parameters.
/// Options: <c>--cdnow PATH/cdnow-master.csv</c> (or <c>TAILOR_BENCH_CDNOW_MASTER</c>; CDNOW has no licence and is not in
/// the repository), <c>--customers 25000</c>, <c>--runs 3</c>, <c>--models bgnbd[,paretonbd,gammagamma]</c>.
/// </summary>
internal static class BgNbdBench
{
    public static int Run(string[] args)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            options[args[i].TrimStart('-')] = args[i + 1];
        }
        var path = options.GetValueOrDefault("cdnow") ?? Environment.GetEnvironmentVariable("TAILOR_BENCH_CDNOW_MASTER");
        if (path is null || !File.Exists(path))
        {
            Console.Error.WriteLine("Give the path of cdnow-master.csv with --cdnow or TAILOR_BENCH_CDNOW_MASTER.");
            return 2;
        }
        var target = int.Parse(options.GetValueOrDefault("customers") ?? "25000", CultureInfo.InvariantCulture);
        var runs = int.Parse(options.GetValueOrDefault("runs") ?? "3", CultureInfo.InvariantCulture);
        var models = (options.GetValueOrDefault("models") ?? "bgnbd").Split(',');

        // customer_id,date,number_of_cds,dollar_value
        var transactions = File.ReadLines(path).Skip(1).Select(line =>
        {
            var f = line.Split(',');
            return new Transaction(f[0], DateOnly.ParseExact(f[1], "yyyyMMdd", CultureInfo.InvariantCulture), double.Parse(f[3], CultureInfo.InvariantCulture));
        }).ToArray();
        var customers = CalibrationSummaries.Of(transactions, new DateOnly(1997, 9, 30)).ToList();
        var real = customers.Count;
        var published = new BgNbdModel(0.243, 4.414, 0.793, 2.426);
        var spend = new GammaGammaModel(6.25, 3.74, 15.44);
        var random = new Random(19);
        for (var i = 0; customers.Count < target; i++)
        {
            var age = 39 - random.Next(0, 13); // first purchases spread over the 12 weeks of Q1, like CDNOW's cohort
            var c = LifetimeSimulator.BgNbdCustomer(published, age, random, $"sim{i}");
            customers.Add(c.Frequency > 0 ? c with { MonetaryValue = LifetimeSimulator.MeanSpend(spend, c.Frequency, random) } : c);
        }
        Console.WriteLine($"{customers.Count:N0} customers ({real:N0} from CDNOW, {customers.Count - real:N0} simulated), {Environment.ProcessorCount} cores, .NET {Environment.Version}");

        foreach (var model in models)
        {
            var seconds = new List<double>();
            var last = "";
            for (var run = 0; run < runs; run++)
            {
                var clock = Stopwatch.StartNew();
                last = model switch
                {
                    "bgnbd" => Show(LifetimeFits.FitBgNbd(customers), f => f.Model.Parameters),
                    "paretonbd" => Show(LifetimeFits.FitParetoNbd(customers), f => f.Model.Parameters),
                    "gammagamma" => Show(LifetimeFits.FitGammaGamma(customers), f => f.Model.Parameters),
                    _ => throw new ArgumentException($"unknown model {model}"),
                };
                seconds.Add(clock.Elapsed.TotalSeconds);
            }
            seconds.Sort();
            Console.WriteLine($"{model}: median {seconds[seconds.Count / 2]:F3} s of {runs} runs ({string.Join(", ", seconds.Select(s => s.ToString("F3", CultureInfo.InvariantCulture)))}); {last}");
        }
        return 0;
    }

    private static string Show<T>(ModelFit<T> fit, Func<ModelFit<T>, IReadOnlyDictionary<string, double>> parameters) =>
        $"{string.Join(", ", parameters(fit).Select(p => $"{p.Key} = {p.Value:F4}"))}, LL = {fit.LogLikelihood:F2}, {fit.Evaluations} evaluations, {fit.Customers:N0} customers";
}
