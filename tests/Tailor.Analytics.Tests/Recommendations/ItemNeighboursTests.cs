using Tailor.Analytics.Recommendations;
using static Tailor.Analytics.Tests.Recommendations.RecommendationFixtures;

namespace Tailor.Analytics.Tests.Recommendations;

public sealed class ItemNeighboursTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void Cosine_similarities_match_scikit_learn()
    {
        var matrix = SmallMatrix();
        var reference = Json("Recommendations/cosine.json");
        var ids = Strings(reference.GetProperty("items"));
        var cosine = Square(reference.GetProperty("cosine"));
        var neighbours = ItemNeighbours.Compute(matrix, k: 100, Ct);
        var compared = 0;
        for (var a = 0; a < ids.Length; a++)
        {
            var i = matrix.IndexOfItem(ids[a]);
            var found = new Dictionary<string, double>();
            var near = neighbours.Of(i);
            var sims = neighbours.ScoresOf(i);
            for (var n = 0; n < near.Length; n++) found[matrix.Items[near[n]]] = sims[n];
            for (var b = 0; b < ids.Length; b++)
            {
                if (a == b) continue;
                if (cosine[a][b] == 0) Assert.False(found.ContainsKey(ids[b]), $"{ids[a]}–{ids[b]} share no user and must not be neighbours");
                else
                {
                    Assert.Equal(cosine[a][b], found[ids[b]], 1e-12);
                    compared++;
                }
            }
        }
        Assert.True(compared > 20);
    }

    [Fact]
    public void Each_item_keeps_only_its_k_most_similar_neighbours_most_similar_first()
    {
        var matrix = SmallMatrix();
        var reference = Json("Recommendations/cosine.json");
        var ids = Strings(reference.GetProperty("items"));
        var cosine = Square(reference.GetProperty("cosine"));
        var neighbours = ItemNeighbours.Compute(matrix, k: 2, Ct);
        for (var a = 0; a < ids.Length; a++)
        {
            var expected = Enumerable.Range(0, ids.Length).Where(b => b != a && cosine[a][b] > 0)
                .OrderByDescending(b => cosine[a][b]).Take(2).Select(b => cosine[a][b]).ToArray();
            var got = neighbours.ScoresOf(matrix.IndexOfItem(ids[a])).ToArray();
            Assert.Equal(expected.Length, got.Length);
            for (var n = 0; n < got.Length; n++) Assert.Equal(expected[n], got[n], 1e-12);
        }
    }

    [Fact]
    public void Item_knn_scores_a_user_by_the_weighted_sum_of_similarities_to_what_they_have()
    {
        var matrix = SmallMatrix();
        var reference = Json("Recommendations/cosine.json");
        var ids = Strings(reference.GetProperty("items"));
        var cosine = Square(reference.GetProperty("cosine"));
        var model = ItemKnnRecommender.Train(matrix, k: 100, Ct);
        var scores = new double[matrix.ItemCount];
        for (var u = 0; u < matrix.UserCount; u++)
        {
            model.Score(u, scores);
            var items = matrix.ItemsOf(u).ToArray();
            var values = matrix.ValuesOf(u).ToArray();
            for (var b = 0; b < ids.Length; b++)
            {
                var expected = 0.0;
                for (var a = 0; a < items.Length; a++)
                {
                    var from = Array.IndexOf(ids, matrix.Items[items[a]]);
                    if (from != b) expected += values[a] * cosine[from][b];
                }
                Assert.Equal(expected, scores[matrix.IndexOfItem(ids[b])], 1e-12);
            }
        }
    }
}
