using System.Diagnostics;
using System.Globalization;
using Tailor.Analytics.Clustering;

namespace Tailor.AnalyticsBench;

/// <summary>
/// Times <see cref="KMeans.Fit"/> on the matrix kmeans_sklearn.py generated (binary: int32 rows, int32 columns, then
/// float64 values row-major, little-endian), with the same k, restarts and tolerance as the scikit-learn side.
/// Options: --data FILE (required), --k 8, --restarts 3, --repeat 3, --seed 0.
/// </summary>
internal static class KMeansBench
{
    public static int Run(string[] args)
    {
        string? path = Option(args, "--data");
        if (path is null)
        {
            Console.Error.WriteLine("kmeans: --data FILE is required (write it with: python3 kmeans_sklearn.py generate FILE)");
            return 2;
        }
        int k = int.Parse(Option(args, "--k") ?? "8", CultureInfo.InvariantCulture);
        int restarts = int.Parse(Option(args, "--restarts") ?? "3", CultureInfo.InvariantCulture);
        int repeat = int.Parse(Option(args, "--repeat") ?? "3", CultureInfo.InvariantCulture);
        int seed = int.Parse(Option(args, "--seed") ?? "0", CultureInfo.InvariantCulture);

        var matrix = Read(path);
        var options = new KMeansOptions(k) { Restarts = restarts, Seed = seed };
        var seconds = new List<double>();
        KMeansResult? result = null;
        for (int r = 0; r < repeat; r++)
        {
            var watch = Stopwatch.StartNew();
            result = KMeans.Fit(matrix, options);
            seconds.Add(watch.Elapsed.TotalSeconds);
            Console.WriteLine(FormattableString.Invariant($"tailor  run {r + 1}: {seconds[^1]:F3} s  inertia {result.Inertia:F1}  iterations {result.Iterations}"));
        }
        seconds.Sort();
        Console.WriteLine(FormattableString.Invariant(
            $"tailor  kmeans rows={matrix.Rows} cols={matrix.Columns} k={k} restarts={restarts} threads={Environment.ProcessorCount}: median {seconds[seconds.Count / 2]:F3} s, inertia {result!.Inertia:F1}"));
        return 0;
    }

    private static FeatureMatrix Read(string path)
    {
        using var reader = new BinaryReader(File.OpenRead(path));
        int rows = reader.ReadInt32();
        int columns = reader.ReadInt32();
        var values = new double[(long)rows * columns];
        var bytes = reader.ReadBytes(values.Length * sizeof(double));
        Buffer.BlockCopy(bytes, 0, values, 0, bytes.Length);
        var ids = new string[rows];
        for (int i = 0; i < rows; i++)
        {
            ids[i] = i.ToString(CultureInfo.InvariantCulture);
        }
        var names = Enumerable.Range(1, columns).Select(c => $"x{c}").ToArray();
        return new FeatureMatrix(ids, names, values);
    }

    private static string? Option(string[] args, string name)
    {
        int at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }
}
