using Tailor.Analytics.Clustering;

namespace Tailor.Analytics.Tests.Clustering;

public sealed class KSelectionTests
{
    private static KEvaluation At(int k, double wcss, double silhouette, bool sampled = false) =>
        new(k, wcss, new SilhouetteResult(silhouette, 100, sampled, sampled ? 3 : null));

    [Fact]
    public void The_highest_silhouette_wins()
    {
        var suggestion = KSelection.Suggest([At(2, 100, 0.40), At(3, 50, 0.62), At(4, 45, 0.55), At(5, 42, 0.50)]);

        Assert.Equal(3, suggestion.K);
        Assert.Equal("k = 3 has the highest silhouette (0.6200); the elbow of the within-cluster sum of squares is at k = 3", suggestion.Reason);
    }

    [Fact]
    public void Silhouettes_within_the_tie_margin_go_to_the_smaller_k_and_a_sample_is_named()
    {
        var suggestion = KSelection.Suggest([At(2, 100, 0.40, true), At(3, 50, 0.595, true), At(4, 45, 0.60, true)]);

        Assert.Equal(3, suggestion.K);
        Assert.Contains("smallest k whose silhouette (0.5950) is within 0.01 of the highest (0.6000)", suggestion.Reason);
        Assert.Contains("sample of 100 rows, seed 3", suggestion.Reason);
    }

    [Fact]
    public void The_elbow_is_the_point_farthest_below_the_chord_and_decides_only_without_silhouettes()
    {
        // WCSS 100, 40, 30, 25, 20: rescaled, k = 3 sits farthest below the line from k = 2 to k = 6.
        var curve = new[] { At(2, 100, double.NaN), At(3, 40, double.NaN), At(4, 30, double.NaN), At(5, 25, double.NaN), At(6, 20, double.NaN) };

        Assert.Equal(3, KSelection.Elbow(curve));
        var suggestion = KSelection.Suggest(curve);
        Assert.Equal(3, suggestion.K);
        Assert.Contains("no silhouette could be computed", suggestion.Reason);
        Assert.Null(KSelection.Elbow([At(2, 10, 0.5), At(3, 5, 0.4)]));
    }
}
