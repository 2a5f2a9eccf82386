using Tailor.Analytics.Clustering;
using static Tailor.Analytics.Tests.Clustering.ClusteringFixtures;

namespace Tailor.Analytics.Tests.Clustering;

public sealed class KMeansTests
{
    [Theory]
    [InlineData("blobs")]
    [InlineData("iris")]
    public void Inertia_labels_and_centres_match_scikit_learn_where_the_optimum_is_unique(string set)
    {
        var matrix = Matrix(set);
        var expected = Expected(set);
        int k = expected.GetProperty("k").GetInt32();
        var reference = expected.GetProperty("kmeans");

        var result = KMeans.Fit(matrix, new KMeansOptions(k) { Restarts = 10, Seed = 0 });

        Close(reference.GetProperty("inertia").GetDouble(), result.Inertia, 1e-9, "inertia");
        var map = Permutation(reference.GetProperty("labels").Ints(), result.Labels);
        var centres = reference.GetProperty("centers").Rows();
        for (int c = 0; c < k; c++)
        {
            for (int f = 0; f < matrix.Columns; f++)
            {
                Close(centres[map[c]][f], result.Centroids[c * matrix.Columns + f], 1e-9, $"centre {c} feature {f}");
            }
        }
        Assert.True(result.Converged);
    }

    [Fact]
    public void The_same_seed_gives_the_same_clustering_and_restarts_never_do_worse()
    {
        var matrix = FeaturePreparation.Scale(FeaturePreparation.Transform(Matrix("online_retail_rfm"), FeatureTransform.Log1p), FeatureScaling.ZScore);

        var first = KMeans.Fit(matrix, new KMeansOptions(5) { Restarts = 3, Seed = 42 });
        var again = KMeans.Fit(matrix, new KMeansOptions(5) { Restarts = 3, Seed = 42 });
        var single = KMeans.Fit(matrix, new KMeansOptions(5) { Restarts = 1, Seed = 42 });

        Assert.Equal(first.Labels, again.Labels);
        Assert.Equal(first.Inertia, again.Inertia);
        // The first restart of both runs starts from the same seed, so the best of three can only be as good or better.
        Assert.True(first.Inertia <= single.Inertia);
    }

    // Real data has local optima, and scikit-learn's own default run stops in one at k = 2 and 5 (600.054 and 325.236
    // against the best known 600.018 and 325.008). Run to a fixed point (tolerance 0) with 50 restarts, ours reaches the
    // best inertia scikit-learn finds with 200 inits under two random states.
    [Fact]
    public void Inertia_per_k_on_online_retail_rfm_reaches_the_best_known_optimum()
    {
        var matrix = FeaturePreparation.Scale(FeaturePreparation.Transform(Matrix("online_retail_rfm"), FeatureTransform.Log1p), FeatureScaling.ZScore);

        foreach (var best in Expected("online_retail_rfm").GetProperty("best_inertia_n_init_200_tol_0").EnumerateObject())
        {
            int k = int.Parse(best.Name, System.Globalization.CultureInfo.InvariantCulture);
            var result = KMeans.Fit(matrix, new KMeansOptions(k) { Restarts = 50, Seed = 0, Tolerance = 0 });
            Close(best.Value.GetDouble(), result.Inertia, 1e-9, $"inertia at k = {k}");
        }
    }

    // With the defaults (10 restarts, tolerance 1e-4) both implementations may stop in different local optima; ours
    // must be no worse than scikit-learn's default run by more than 0.5%.
    [Fact]
    public void Inertia_per_k_on_online_retail_rfm_with_defaults_is_as_good_as_scikit_learns()
    {
        var matrix = FeaturePreparation.Scale(FeaturePreparation.Transform(Matrix("online_retail_rfm"), FeatureTransform.Log1p), FeatureScaling.ZScore);

        foreach (var reference in Expected("online_retail_rfm").GetProperty("kmeans_per_k").EnumerateArray())
        {
            int k = reference.GetProperty("k").GetInt32();
            var result = KMeans.Fit(matrix, new KMeansOptions(k));
            Assert.InRange(result.Inertia, 0, reference.GetProperty("inertia").GetDouble() * 1.005);
        }
    }

    [Fact]
    public void A_cluster_left_empty_takes_the_farthest_row_so_k_clusters_come_back()
    {
        // Three distinct points, each repeated: k-means++ may pick the same point twice; relocation must still find all three.
        var values = Enumerable.Range(0, 30).SelectMany(i => new double[] { i % 3 * 10, 0 }).ToArray();
        var matrix = new FeatureMatrix(Enumerable.Range(0, 30).Select(i => $"r{i}").ToArray(), ["x", "y"], values);

        for (int seed = 0; seed < 20; seed++)
        {
            var result = KMeans.Fit(matrix, new KMeansOptions(3) { Restarts = 1, Seed = seed });
            Assert.Equal(0, result.Inertia);
            Assert.Equal(3, result.Labels.Distinct().Count());
        }
    }

    [Fact]
    public void Parameters_out_of_bounds_are_refused_with_their_name()
    {
        var matrix = Matrix("iris");

        Assert.Contains("Clusters", Assert.Throws<ArgumentException>(() => KMeans.Fit(matrix, new KMeansOptions(51))).Message);
        var three = new FeatureMatrix(["a", "b", "c"], ["x"], [1, 2, 3]);
        Assert.Contains("number of rows", Assert.Throws<ArgumentException>(() => KMeans.Fit(three, new KMeansOptions(4))).Message);
        Assert.Contains("Restarts", Assert.Throws<ArgumentException>(() => KMeans.Fit(matrix, new KMeansOptions(3) { Restarts = 0 })).Message);
        Assert.Contains("MaxIterations", Assert.Throws<ArgumentException>(() => KMeans.Fit(matrix, new KMeansOptions(3) { MaxIterations = 1_000_000 })).Message);
        Assert.Contains("Tolerance", Assert.Throws<ArgumentException>(() => KMeans.Fit(matrix, new KMeansOptions(3) { Tolerance = double.NaN })).Message);
    }
}
