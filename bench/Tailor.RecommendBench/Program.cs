using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using Tailor.Analytics.Associations;
using Tailor.Analytics.Recommendations;

// The file is passed as an argument or TAILOR_BENCH_ONLINE_RETAIL (a .csv or .csv.gz); nothing is read from a fixed path.
// dotnet bench/Tailor.RecommendBench/bin/Release/net10.0/tailor-recommendbench.dll evaluate [FILE] [models]
// dotnet bench/Tailor.RecommendBench/bin/Release/net10.0/tailor-recommendbench.dll rules [FILE] [minSupport]
if (args.Length < 1) { Console.Error.WriteLine("usage: evaluate [FILE] [item-knn,ease,als] | rules [FILE] [minSupport]"); return 2; }
var file = args.Length > 1 ? args[1] : Environment.GetEnvironmentVariable("TAILOR_BENCH_ONLINE_RETAIL");
if (string.IsNullOrEmpty(file)) { Console.Error.WriteLine("pass the file or set TAILOR_BENCH_ONLINE_RETAIL"); return 2; }
var invariant = CultureInfo.InvariantCulture;
return args[0] switch
{
    "evaluate" => Evaluate(file, args.Length > 2 ? args[2].Split(',') : ["item-knn", "ease", "als"]),
    "rules" => Rules(file, args.Length > 2 ? double.Parse(args[2], invariant) : 0.01),
    _ => 2,
};

static TextReader Open(string path)
{
    Stream stream = File.OpenRead(path);
    if (path.EndsWith(".gz", StringComparison.Ordinal)) stream = new GZipStream(stream, CompressionMode.Decompress);
    return new StreamReader(stream);
}

static int Evaluate(string file, string[] models)
{
    var clock = Stopwatch.StartNew();
    List<Interaction> rows;
    using (var reader = Open(file)) rows = InteractionFile.Read(reader);
    Console.WriteLine($"read {rows.Count} interactions in {clock.Elapsed.TotalSeconds:0.00} s");
    clock.Restart();
    var report = OfflineEvaluation.Run(rows, models, new RecommenderSettings(), report: (stage, f) => Console.Error.WriteLine($"{clock.Elapsed.TotalSeconds,7:0.00} s  {f,4:P0}  {stage}"));
    Console.WriteLine($"evaluated in {clock.Elapsed.TotalSeconds:0.00} s");
    Console.WriteLine(JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true }));
    return 0;
}

static int Rules(string file, double minSupport)
{
    var clock = Stopwatch.StartNew();
    List<string[]> baskets;
    using (var reader = Open(file)) baskets = BasketFile.Read(reader);
    Console.WriteLine($"read {baskets.Count} baskets in {clock.Elapsed.TotalSeconds:0.00} s");
    clock.Restart();
    var rules = AssociationRules.Mine(baskets, new RuleOptions(MinSupport: minSupport));
    Console.WriteLine($"{rules.Count} rules in {clock.Elapsed.TotalSeconds:0.00} s; strongest:");
    foreach (var r in rules.Take(5)) Console.WriteLine($"  {string.Join("+", r.Antecedent)} => {string.Join("+", r.Consequent)}  support {r.Support:0.0000} confidence {r.Confidence:0.000} lift {r.Lift:0.00}");
    return 0;
}
