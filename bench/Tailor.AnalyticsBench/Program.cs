using Tailor.AnalyticsBench;

// One console for every analytics benchmark: the first argument picks the mode, the rest are the mode's own options.
// To add a family, write a static class with Run(string[] args) → exit code and add one line to the table below.
var modes = new Dictionary<string, (string Help, Func<string[], int> Run)>(StringComparer.Ordinal)
{
    ["kmeans"] = ("k-means on a binary matrix written by kmeans_sklearn.py (run kmeans.sh for the side-by-side figures)", KMeansBench.Run),
    ["bgnbd"] = ("BG/NBD (and Pareto/NBD, Gamma-Gamma) fits on CDNOW topped up with simulated customers to 25,000", BgNbdBench.Run),
    ["propensity"] = ("propensity training on generated customers: features + 5-fold CV + final fit (--customers N --repeat R --seed S [--next-purchase])", PropensityBench.Run),
    // ["rfm"] = (…), ["clv"] = (…), ["recommend"] = (…): other families add their mode here.
};

if (args.Length == 0 || !modes.TryGetValue(args[0], out var mode))
{
    Console.Error.WriteLine("usage: tailor-analyticsbench <mode> [options]");
    foreach (var (name, (help, _)) in modes)
    {
        Console.Error.WriteLine($"  {name,-12} {help}");
    }
    return 2;
}
return mode.Run(args[1..]);
