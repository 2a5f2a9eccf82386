using Tailor.Analytics.Recommendations;
using static Tailor.Analytics.Tests.Recommendations.RecommendationFixtures;

namespace Tailor.Analytics.Tests.Recommendations;

public sealed class EaseRecommenderTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void Weights_match_the_numpy_closed_form()
    {
        var matrix = SmallMatrix();
        var reference = Json("Recommendations/ease.json");
        var ids = Strings(reference.GetProperty("items"));
        var expected = Square(reference.GetProperty("B"));
        var model = EaseRecommender.Train(matrix, reference.GetProperty("lambda").GetDouble(), Ct);
        var b = model.Weights;
        var maxDelta = 0.0;
        for (var r = 0; r < ids.Length; r++)
            for (var c = 0; c < ids.Length; c++)
                maxDelta = Math.Max(maxDelta, Math.Abs(expected[r][c] - b[matrix.IndexOfItem(ids[r]), matrix.IndexOfItem(ids[c])]));
        Assert.True(maxDelta < 1e-12, $"max |Δ| = {maxDelta}");
        for (var i = 0; i < ids.Length; i++) Assert.Equal(0, b[i, i]);
    }

    [Fact]
    public void A_user_is_scored_by_the_rows_of_the_items_they_have()
    {
        var matrix = SmallMatrix();
        var reference = Json("Recommendations/ease.json");
        var model = EaseRecommender.Train(matrix, reference.GetProperty("lambda").GetDouble(), Ct);
        var b = model.Weights;
        var scores = new double[matrix.ItemCount];
        for (var u = 0; u < matrix.UserCount; u++)
        {
            model.Score(u, scores);
            var items = matrix.ItemsOf(u).ToArray();
            var values = matrix.ValuesOf(u).ToArray();
            for (var j = 0; j < matrix.ItemCount; j++)
                Assert.Equal(items.Select((i, a) => values[a] * b[i, j]).Sum(), scores[j], 1e-12);
        }
    }

    [Fact]
    public void A_catalogue_above_the_bound_is_refused_with_a_clear_message()
    {
        var rows = Enumerable.Range(0, EaseRecommender.MaxItems + 1).Select(i => new Interaction("u", $"i{i}", DateTimeOffset.UnixEpoch));
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => EaseRecommender.Train(InteractionMatrix.From(rows), ct: Ct));
        Assert.Contains("5001 items is more than the 5000 allowed", error.Message);
        Assert.Contains("als", error.Message);
    }
}
