using Tailor.Analytics.Clustering;
using static Tailor.Analytics.Tests.Clustering.ClusteringFixtures;

namespace Tailor.Analytics.Tests.Clustering;

public sealed class FeaturePreparationTests
{
    [Theory]
    [InlineData("blobs")]
    [InlineData("iris")]
    public void Z_score_and_min_max_scaling_match_scikit_learn(string set)
    {
        var matrix = Matrix(set);
        var expected = Expected(set);

        AssertMatrix(expected.GetProperty("standard_scaled").Rows(), FeaturePreparation.Scale(matrix, FeatureScaling.ZScore), 1e-12);
        AssertMatrix(expected.GetProperty("minmax_scaled").Rows(), FeaturePreparation.Scale(matrix, FeatureScaling.MinMax), 1e-12);
    }

    [Fact]
    public void Log1p_then_z_score_matches_numpy_and_scikit_learn_on_online_retail_rfm()
    {
        var matrix = Matrix("online_retail_rfm");
        var prepared = FeaturePreparation.Scale(FeaturePreparation.Transform(matrix, FeatureTransform.Log1p), FeatureScaling.ZScore);

        AssertMatrix(Expected("online_retail_rfm").GetProperty("log1p_standard_scaled").Rows(), prepared, 1e-12);
    }

    [Fact]
    public void A_constant_feature_scales_to_zero_as_in_scikit_learn()
    {
        var matrix = new FeatureMatrix(["a", "b", "c"], ["x", "constant"], [1, 7, 2, 7, 3, 7]);

        foreach (var scaling in new[] { FeatureScaling.ZScore, FeatureScaling.MinMax })
        {
            var scaled = FeaturePreparation.Scale(matrix, scaling);
            Assert.All(Enumerable.Range(0, 3), i => Assert.Equal(0, scaled[i, 1]));
        }
    }

    [Fact]
    public void Log1p_refuses_values_at_or_below_minus_one_naming_the_row_and_feature()
    {
        var matrix = new FeatureMatrix(["a", "b"], ["spend"], [3, -1]);

        var error = Assert.Throws<ArgumentException>(() => FeaturePreparation.Transform(matrix, FeatureTransform.Log1p));
        Assert.Contains("'spend'", error.Message);
        Assert.Contains("'b'", error.Message);
    }

    [Fact]
    public void The_csv_reader_takes_quoted_ids_and_refuses_bad_cells_with_line_and_column()
    {
        var matrix = FeatureCsv.Read(new StringReader("id,recency,frequency\n\"cust,1\",3,4.5\nc2,1e2,0\n"));
        Assert.Equal(["cust,1", "c2"], matrix.Ids);
        Assert.Equal(["recency", "frequency"], matrix.Features);
        Assert.Equal(100, matrix[1, 0]);

        var bad = Assert.Throws<FormatException>(() => FeatureCsv.Read(new StringReader("id,recency\nc1,3\nc2,abc\n")));
        Assert.Contains("line 3", bad.Message);
        Assert.Contains("'recency'", bad.Message);
        var nan = Assert.Throws<FormatException>(() => FeatureCsv.Read(new StringReader("id,recency\nc1,NaN\n")));
        Assert.Contains("not a finite number", nan.Message);
        var ragged = Assert.Throws<FormatException>(() => FeatureCsv.Read(new StringReader("id,a,b\nc1,1\n")));
        Assert.Contains("2 fields", ragged.Message);
        var many = Assert.Throws<FormatException>(() => FeatureCsv.Read(new StringReader("id,a\nc1,1\nc2,2\nc3,3\n"), maxRows: 2));
        Assert.Contains("more than 2 rows", many.Message);
    }

    internal static void AssertMatrix(double[][] expected, FeatureMatrix actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Rows);
        for (int i = 0; i < expected.Length; i++)
        {
            for (int f = 0; f < expected[i].Length; f++)
            {
                Assert.True(Math.Abs(expected[i][f] - actual[i, f]) <= tolerance, $"row {i} feature {f}: expected {expected[i][f]:R}, got {actual[i, f]:R}");
            }
        }
    }
}
