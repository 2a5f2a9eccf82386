using Tailor.Analytics.Clustering;
using static Tailor.Analytics.Tests.Clustering.ClusteringFixtures;

namespace Tailor.Analytics.Tests.Clustering;

public sealed class PrincipalComponentsTests
{
    [Theory]
    [InlineData("blobs")]
    [InlineData("iris")]
    public void Explained_variance_and_components_match_scikit_learn_up_to_sign(string set)
    {
        var scaled = FeaturePreparation.Scale(Matrix(set), FeatureScaling.ZScore);
        var expected = Expected(set).GetProperty("pca_on_standard_scaled");

        var pca = PrincipalComponents.Fit(scaled, 2);

        var variance = expected.GetProperty("explained_variance").Doubles();
        var ratio = expected.GetProperty("explained_variance_ratio").Doubles();
        var components = expected.GetProperty("components").Rows();
        for (int c = 0; c < 2; c++)
        {
            Close(variance[c], pca.ExplainedVariance[c], 1e-10, $"explained variance {c}");
            Close(ratio[c], pca.ExplainedVarianceRatio[c], 1e-10, $"explained variance ratio {c}");
            // Same direction up to sign: flip ours to scikit-learn's orientation, then compare entry by entry.
            double sign = Math.Sign(components[c].Zip(pca.Components[c], (a, b) => a * b).Sum());
            for (int f = 0; f < components[c].Length; f++)
            {
                Close(components[c][f], sign * pca.Components[c][f], 1e-8, $"component {c} feature {f}");
            }
            // Our documented convention: the entry of largest magnitude is positive.
            Assert.True(pca.Components[c].MaxBy(Math.Abs) > 0);
        }
    }

    [Fact]
    public void Three_component_ratios_match_scikit_learn_on_online_retail_rfm()
    {
        var rfm = FeaturePreparation.Scale(FeaturePreparation.Transform(Matrix("online_retail_rfm"), FeatureTransform.Log1p), FeatureScaling.ZScore);
        var expected = Expected("online_retail_rfm").GetProperty("pca3_explained_variance_ratio").Doubles();

        var pca = PrincipalComponents.Fit(rfm, 3);

        for (int c = 0; c < 3; c++)
        {
            Close(expected[c], pca.ExplainedVarianceRatio[c], 1e-10, $"ratio {c}");
        }
        Close(1, pca.ExplainedVarianceRatio.Sum(), 1e-12, "all components explain everything");
    }

    [Fact]
    public void Projected_scores_have_the_explained_variance_as_their_sample_variance()
    {
        var scaled = FeaturePreparation.Scale(Matrix("iris"), FeatureScaling.ZScore);
        var pca = PrincipalComponents.Fit(scaled, 2);

        var scores = pca.Project(scaled);

        Assert.Equal(["pc1", "pc2"], scores.Features);
        for (int c = 0; c < 2; c++)
        {
            var column = Enumerable.Range(0, scores.Rows).Select(i => scores[i, c]).ToArray();
            double mean = column.Average();
            double variance = column.Sum(v => (v - mean) * (v - mean)) / (column.Length - 1);
            Close(pca.ExplainedVariance[c], variance, 1e-10, $"variance of pc{c + 1}");
        }
    }
}
