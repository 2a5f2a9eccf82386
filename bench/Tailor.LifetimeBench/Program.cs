// Times the BG/NBD fit on 25,000 customers (target: ≤ 5 s): the whole CDNOW file (23,570 customers, calibration
// 1997-01-01 … 1997-09-30, weeks) topped up with customers simulated from the published BG/NBD parameters.
// Usage: tailor-lifetimebench --cdnow PATH/cdnow-master.csv [--customers 25000] [--runs 3] [--models bgnbd,paretonbd,gammagamma]
// (the path may also come from TAILOR_BENCH_CDNOW_MASTER). CDNOW has no licence and is not in the repository.
using System.Diagnostics;
using System.Globalization;
using Tailor.Analytics.Lifetime;

var options = Args.Parse(args);
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
var random = new Random(19);
var spend = new GammaGammaModel(6.25, 3.74, 15.44);
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
    string last = "";
    for (var run = 0; run < runs; run++)
    {
        var clock = Stopwatch.StartNew();
        last = model switch
        {
            "bgnbd" => Show(LifetimeFits.FitBgNbd(customers)),
            "paretonbd" => Show(LifetimeFits.FitParetoNbd(customers)),
            "gammagamma" => Show(LifetimeFits.FitGammaGamma(customers)),
            _ => throw new ArgumentException($"unknown model {model}"),
        };
        seconds.Add(clock.Elapsed.TotalSeconds);
    }
    seconds.Sort();
    Console.WriteLine($"{model}: median {seconds[seconds.Count / 2]:F3} s of {runs} runs ({string.Join(", ", seconds.Select(s => s.ToString("F3", CultureInfo.InvariantCulture)))}); {last}");
}
return 0;

static string Show<T>(ModelFit<T> fit) where T : notnull
{
    var parameters = fit.Model switch
    {
        BgNbdModel m => m.Parameters,
        ParetoNbdModel m => m.Parameters,
        GammaGammaModel m => m.Parameters,
        _ => new Dictionary<string, double>(),
    };
    return $"{string.Join(", ", parameters.Select(p => $"{p.Key} = {p.Value:F4}"))}, LL = {fit.LogLikelihood:F2}, {fit.Evaluations} evaluations, {fit.Customers:N0} customers";
}

internal static class Args
{
    public static Dictionary<string, string> Parse(string[] args)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            map[args[i].TrimStart('-')] = args[i + 1];
        }
        return map;
    }
}
