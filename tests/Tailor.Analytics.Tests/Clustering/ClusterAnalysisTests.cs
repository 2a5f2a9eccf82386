using System.Xml.Linq;
using Tailor.Analytics.Clustering;
using static Tailor.Analytics.Tests.Clustering.ClusteringFixtures;

namespace Tailor.Analytics.Tests.Clustering;

public sealed class ClusterAnalysisTests
{
    private static readonly ClusterAnalysisOptions RfmOptions = new()
    {
        Transform = FeatureTransform.Log1p,
        Scaling = FeatureScaling.ZScore,
        MinK = 2,
        MaxK = 6,
        Restarts = 10,
    };

    [Fact]
    public void Online_retail_rfm_end_to_end_scores_every_k_like_scikit_learn_and_suggests_the_best_silhouette()
    {
        var expected = Expected("online_retail_rfm").GetProperty("kmeans_per_k").EnumerateArray().ToList();
        var steps = new List<ClusterProgress>();

        var result = ClusterAnalysis.Run(Matrix("online_retail_rfm"), RfmOptions, new SynchronousProgress(steps.Add));

        Assert.Equal(expected.Count, result.Evaluations.Count);
        foreach (var (evaluation, reference) in result.Evaluations.Zip(expected))
        {
            Assert.Equal(reference.GetProperty("k").GetInt32(), evaluation.K);
            Assert.InRange(evaluation.WithinClusterSumOfSquares, 0, reference.GetProperty("inertia").GetDouble() * 1.005);
            Assert.False(evaluation.Silhouette.Sampled);
        }
        // Where both found the same partition the silhouette is scikit-learn's to rounding (k = 3: both reach the optimum).
        var k3 = result.Evaluations.Single(e => e.K == 3);
        Close(expected[1].GetProperty("silhouette").GetDouble(), k3.Silhouette.Score, 1e-12, "silhouette at k = 3");
        // The rule picks the smallest k within 0.01 of the best silhouette; scikit-learn's scores make that k = 2.
        var sklearnBest = expected.MaxBy(e => e.GetProperty("silhouette").GetDouble());
        Assert.Equal(sklearnBest.GetProperty("k").GetInt32(), result.Suggestion.K);
        Assert.Equal(result.Suggestion.K, result.K);
        Assert.Contains("highest silhouette", result.Suggestion.Reason);
        Assert.Equal(["clustering with k = 2", "clustering with k = 6", "done"], new[] { steps[0].Step, steps[4].Step, steps[^1].Step });
        // Cluster 0 is the largest, and the sizes add up.
        Assert.Equal(result.Profiles.Select(p => p.Size).OrderByDescending(s => s), result.Profiles.Select(p => p.Size));
        Assert.Equal(400, result.Profiles.Sum(p => p.Size));
    }

    [Fact]
    public void Profiles_at_k_3_match_the_means_numpy_computes_for_scikit_learns_clusters()
    {
        var reference = Expected("online_retail_rfm").GetProperty("profile_k3").EnumerateArray().ToList();

        var result = ClusterAnalysis.Run(Matrix("online_retail_rfm"), RfmOptions with { MinK = 3, MaxK = 3 });

        foreach (var profile in result.Profiles)
        {
            // Match each of ours to scikit-learn's cluster of the same size (the three sizes differ: 156, 150, 94).
            var expected = reference.Single(r => r.GetProperty("size").GetInt32() == profile.Size);
            var means = expected.GetProperty("means").Doubles();
            var z = expected.GetProperty("standardized_means").Doubles();
            for (int f = 0; f < 3; f++)
            {
                Close(means[f], profile.Means[f], 1e-12, $"{profile.Name} mean {f}");
                Close(z[f], profile.StandardizedMeans[f], 1e-12, $"{profile.Name} standardised mean {f}");
            }
        }
        // By the rule table: recent, frequent, high spend → Champions; lapsed, rare, low spend → Lapsed; the middle → Typical.
        Assert.Equal(["Typical", "Lapsed", "Champions"], result.Profiles.Select(p => p.Name));
        Assert.Equal("Champions", result.NameOf(result.Ids.ToList().IndexOf("12347")));
    }

    [Fact]
    public void Ward_over_a_range_cuts_one_tree_and_matches_scikit_learn_at_k()
    {
        var expected = Expected("blobs");

        var result = ClusterAnalysis.Run(Matrix("blobs"), new ClusterAnalysisOptions { Method = ClusterMethod.Ward, Scaling = FeatureScaling.None, MinK = 2, MaxK = 6 });

        Assert.Equal(4, result.K);
        Permutation(expected.GetProperty("ward_labels").Ints(), result.Labels);
        Assert.Equal(4, result.Suggestion.ElbowK);
    }

    [Fact]
    public void Pca_before_clustering_is_reported_and_the_charts_show_the_run()
    {
        var result = ClusterAnalysis.Run(Matrix("iris"), new ClusterAnalysisOptions { PcaComponents = 2, MinK = 3, MaxK = 3 });

        Close(Expected("iris").GetProperty("pca_on_standard_scaled").GetProperty("explained_variance_ratio").Doubles()[0], result.Pca!.ExplainedVarianceRatio[0], 1e-10, "ratio");
        Assert.Equal(["pc1", "pc2"], result.Clustered.Features);
        var charts = ClusterCharts.All(result);
        Assert.Equal(["elbow", "silhouette", "profiles", "pca"], charts.Select(c => c.Name));
        foreach (var chart in charts)
        {
            Assert.Equal("svg", XDocument.Parse(chart.Svg).Root!.Name.LocalName);
        }
        var profileWords = string.Concat(XDocument.Parse(charts[2].Svg).Descendants().Where(e => e.Name.LocalName == "text").Select(e => e.Value + " "));
        Assert.All(result.Profiles, p => Assert.Contains(p.Name, profileWords));
        Assert.Contains("petal_length", profileWords);
    }

    [Fact]
    public void Bad_parameters_are_refused_before_any_work()
    {
        var iris = Matrix("iris");

        Assert.Contains("k must be a range", Assert.Throws<ArgumentException>(() => ClusterAnalysis.Run(iris, new ClusterAnalysisOptions { MinK = 1 })).Message);
        Assert.Contains("k must be a range", Assert.Throws<ArgumentException>(() => ClusterAnalysis.Run(iris, new ClusterAnalysisOptions { MaxK = 51 })).Message);
        Assert.Contains("pca must be between 1 and the number of features (4)", Assert.Throws<ArgumentException>(() => ClusterAnalysis.Run(iris, new ClusterAnalysisOptions { PcaComponents = 5 })).Message);
    }

    private sealed class SynchronousProgress(Action<ClusterProgress> report) : IProgress<ClusterProgress>
    {
        public void Report(ClusterProgress value) => report(value);
    }
}
