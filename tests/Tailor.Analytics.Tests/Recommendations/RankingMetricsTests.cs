using Tailor.Analytics.Recommendations;
using static Tailor.Analytics.Tests.Recommendations.RecommendationFixtures;

namespace Tailor.Analytics.Tests.Recommendations;

public sealed class RankingMetricsTests
{
    [Fact]
    public void Precision_recall_and_ndcg_at_10_match_numpy_and_scikit_learn()
    {
        var cases = Json("Recommendations/ranking.json").EnumerateArray().ToList();
        Assert.Equal(8, cases.Count);
        foreach (var c in cases)
        {
            var ranked = Strings(c.GetProperty("ranked"));
            var relevant = Strings(c.GetProperty("relevant")).ToHashSet();
            Assert.Equal(c.GetProperty("precision").GetDouble(), RankingMetrics.Precision(ranked, relevant, 10), 1e-12);
            Assert.Equal(c.GetProperty("recall").GetDouble(), RankingMetrics.Recall(ranked, relevant, 10), 1e-12);
            Assert.Equal(c.GetProperty("ndcg").GetDouble(), RankingMetrics.Ndcg(ranked, relevant, 10), 1e-12);
        }
    }

    [Fact]
    public void A_short_list_is_still_divided_by_k_for_precision()
    {
        var relevant = new HashSet<string> { "a", "b" };
        Assert.Equal(0.1, RankingMetrics.Precision(["a"], relevant, 10), 1e-15);
        Assert.Equal(0.5, RankingMetrics.Recall(["a"], relevant, 10), 1e-15);
        // DCG 1/log2(2) = 1; IDCG 1 + 1/log2(3).
        Assert.Equal(1 / (1 + 1 / Math.Log2(3)), RankingMetrics.Ndcg(["a"], relevant, 10), 1e-15);
    }
}
