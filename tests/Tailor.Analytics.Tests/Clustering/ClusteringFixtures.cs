using System.Text.Json;
using Tailor.Analytics.Clustering;

namespace Tailor.Analytics.Tests.Clustering;

/// <summary>Reads the data sets and the scikit-learn / scipy reference values in Fixtures/Clustering (see make_fixtures.py).</summary>
internal static class ClusteringFixtures
{
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "Fixtures", "Clustering");

    public static FeatureMatrix Matrix(string name)
    {
        using var reader = new StreamReader(Path.Combine(Folder, name + ".csv"));
        return FeatureCsv.Read(reader);
    }

    public static JsonElement Expected(string name) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, name + ".expected.json"))).RootElement;

    public static double[] Doubles(this JsonElement element) => element.EnumerateArray().Select(e => e.GetDouble()).ToArray();

    public static int[] Ints(this JsonElement element) => element.EnumerateArray().Select(e => e.GetInt32()).ToArray();

    public static double[][] Rows(this JsonElement element) => element.EnumerateArray().Select(Doubles).ToArray();

    /// <summary>The relabelling that maps <paramref name="actual"/> onto <paramref name="expected"/>, failing unless the two partitions are the same.</summary>
    public static int[] Permutation(int[] expected, int[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        var map = new Dictionary<int, int>();
        for (int i = 0; i < expected.Length; i++)
        {
            if (map.TryGetValue(actual[i], out int mapped))
            {
                Assert.True(mapped == expected[i], $"row {i}: label {actual[i]} maps to both {mapped} and {expected[i]}: the partitions differ");
            }
            else
            {
                map[actual[i]] = expected[i];
            }
        }
        Assert.Equal(map.Count, map.Values.Distinct().Count());
        return Enumerable.Range(0, map.Count).Select(a => map[a]).ToArray();
    }

    public static void Close(double expected, double actual, double relative, string what)
    {
        double scale = Math.Max(1, Math.Abs(expected));
        Assert.True(Math.Abs(expected - actual) <= relative * scale, $"{what}: expected {expected:R}, got {actual:R} (|Δ| = {Math.Abs(expected - actual):E2})");
    }
}
