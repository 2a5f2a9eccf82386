using System.Text.Json;
using Tailor.Analytics.Recommendations;

namespace Tailor.Analytics.Tests.Recommendations;

/// <summary>The fixtures made by Fixtures/Recommendations/make_reference.py.</summary>
internal static class RecommendationFixtures
{
    public static string PathOf(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    public static JsonElement Json(string name) => JsonDocument.Parse(File.ReadAllText(PathOf(name))).RootElement;

    /// <summary>The small made-up matrix (user,item,weight), all at one moment.</summary>
    public static InteractionMatrix SmallMatrix()
    {
        var rows = File.ReadAllLines(PathOf("Recommendations/matrix.csv")).Skip(1)
            .Select(l => l.Split(','))
            .Select(f => new Interaction(f[0], f[1], DateTimeOffset.UnixEpoch, double.Parse(f[2], System.Globalization.CultureInfo.InvariantCulture)));
        return InteractionMatrix.From(rows);
    }

    public static double[][] Square(JsonElement e) => [.. e.EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray())];

    public static string[] Strings(JsonElement e) => [.. e.EnumerateArray().Select(v => v.GetString()!)];
}
