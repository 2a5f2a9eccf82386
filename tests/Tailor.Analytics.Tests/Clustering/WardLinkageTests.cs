using Tailor.Analytics.Clustering;
using static Tailor.Analytics.Tests.Clustering.ClusteringFixtures;

namespace Tailor.Analytics.Tests.Clustering;

public sealed class WardLinkageTests
{
    [Theory]
    [InlineData("blobs")]
    [InlineData("iris")]
    public void Merge_heights_match_scipy_ward(string set)
    {
        var expected = Expected(set).GetProperty("scipy_ward_linkage").Rows();

        var tree = WardLinkage.Fit(Matrix(set));

        Assert.Equal(expected.Length, tree.Merges.Count);
        for (int m = 0; m < expected.Length; m++)
        {
            Close(expected[m][2], tree.Merges[m].Height, 1e-9, $"height of merge {m}");
        }
    }

    // Iris has duplicate rows, so merges of equal height may come in another order there; blobs has no ties.
    [Fact]
    public void Merges_join_the_same_clusters_with_the_same_sizes_as_scipy_on_a_set_without_ties()
    {
        var expected = Expected("blobs").GetProperty("scipy_ward_linkage").Rows();

        var tree = WardLinkage.Fit(Matrix("blobs"));

        for (int m = 0; m < expected.Length; m++)
        {
            Assert.Equal(((int)expected[m][0], (int)expected[m][1], (int)expected[m][3]), (tree.Merges[m].Left, tree.Merges[m].Right, tree.Merges[m].Size));
        }
    }

    [Theory]
    [InlineData("blobs")]
    [InlineData("iris")]
    public void Cutting_at_k_matches_scikit_learn_agglomerative_clustering(string set)
    {
        var expected = Expected(set);
        int k = expected.GetProperty("k").GetInt32();

        var labels = WardLinkage.Fit(Matrix(set)).Cut(k);

        Permutation(expected.GetProperty("ward_labels").Ints(), labels);
        Assert.Equal(k, labels.Distinct().Count());
    }

    [Fact]
    public void More_rows_than_the_limit_are_refused_with_a_clear_message()
    {
        int n = ClusteringLimits.WardMaxRows + 1;
        var matrix = new FeatureMatrix(Enumerable.Range(0, n).Select(i => $"r{i}").ToArray(), ["x"], new double[n]);

        var error = Assert.Throws<ArgumentException>(() => WardLinkage.Fit(matrix));

        Assert.Contains("limited to 10000 rows", error.Message);
        Assert.Contains("use k-means", error.Message);
    }
}
