using Tailor.Analytics.Clustering;
using static Tailor.Analytics.Tests.Clustering.ClusteringFixtures;

namespace Tailor.Analytics.Tests.Clustering;

public sealed class SilhouetteTests
{
    [Theory]
    [InlineData("blobs")]
    [InlineData("iris")]
    public void The_exact_silhouette_matches_scikit_learn(string set)
    {
        var expected = Expected(set);
        var labels = expected.GetProperty("kmeans").GetProperty("labels").Ints();

        var result = Silhouette.Score(Matrix(set), labels, expected.GetProperty("k").GetInt32());

        Close(expected.GetProperty("silhouette_of_kmeans_labels").GetDouble(), result.Score, 1e-12, "silhouette");
        Assert.False(result.Sampled);
        Assert.Null(result.SampleSeed);
        Assert.Equal(labels.Length, result.RowsUsed);
    }

    [Fact]
    public void Above_the_exact_size_a_seeded_sample_is_used_and_reported()
    {
        var matrix = FeaturePreparation.Scale(FeaturePreparation.Transform(Matrix("online_retail_rfm"), FeatureTransform.Log1p), FeatureScaling.ZScore);
        var reference = Expected("online_retail_rfm").GetProperty("kmeans_per_k")[0];
        var labels = reference.GetProperty("labels").Ints();

        var sampled = Silhouette.Score(matrix, labels, 2, seed: 7, exactRows: 200);
        var again = Silhouette.Score(matrix, labels, 2, seed: 7, exactRows: 200);

        Assert.True(sampled.Sampled);
        Assert.Equal(200, sampled.RowsUsed);
        Assert.Equal(7, sampled.SampleSeed);
        Assert.Equal(sampled.Score, again.Score);
        // Half the rows estimate the whole-set score (scikit-learn's, recorded) closely, not exactly.
        double exact = reference.GetProperty("silhouette").GetDouble();
        Assert.NotEqual(exact, sampled.Score);
        Assert.InRange(sampled.Score, exact - 0.05, exact + 0.05);
    }

    [Fact]
    public void A_row_alone_in_its_cluster_scores_zero_and_one_cluster_gives_no_score()
    {
        // Rows at 0, 1 and 10: clusters {0, 1} and {10}. s(0) = (10 - 1) / 10, s(1) = (9 - 1) / 9, s(10) = 0 (alone).
        var matrix = new FeatureMatrix(["a", "b", "c"], ["x"], [0, 1, 10]);

        var result = Silhouette.Score(matrix, [0, 0, 1], 2);

        Close((0.9 + 8.0 / 9 + 0) / 3, result.Score, 1e-15, "silhouette");
        Assert.True(double.IsNaN(Silhouette.Score(matrix, [0, 0, 0], 2).Score));
    }
}
