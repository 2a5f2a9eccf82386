using Tailor.Analytics.Recommendations;

namespace Tailor.Analytics.Tests.Recommendations;

public sealed class RecommendTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly DateTimeOffset T0 = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Top_items_are_best_first_with_ties_by_index_and_skip_excluded_and_refused_items()
    {
        double[] scores = [0.5, 2, 0, 2, -1, 3, 1];
        Assert.Equal([5, 1, 3], TopItems.Select(scores, 3).Select(s => s.Item));
        Assert.Equal([5, 3, 6], TopItems.Select(scores, 3, exclude: [1]).Select(s => s.Item));
        Assert.Equal([1, 3, 6, 0], TopItems.Select(scores, 10, allow: i => i != 5).Select(s => s.Item)); // ≤ 0 never listed
    }

    [Fact]
    public void A_user_never_gets_what_they_have_and_popularity_completes_a_short_list()
    {
        // Two buyers of a and b; c and d bought by others; e bought by most.
        var rows = new List<Interaction>
        {
            new("u1", "a", T0), new("u1", "b", T0),
            new("u2", "a", T0), new("u2", "b", T0), new("u2", "c", T0),
            new("u3", "e", T0), new("u4", "e", T0), new("u5", "e", T0), new("u5", "d", T0),
            new("new", "a", T0),
        };
        var matrix = InteractionMatrix.From(rows);
        var knn = ItemKnnRecommender.Train(matrix, ct: Ct);
        var popularity = new PopularityRecommender(matrix);
        var scratch = new double[matrix.ItemCount];
        var list = Recommend.ForUser(matrix.IndexOfUser("new"), 4, matrix, [knn, popularity], scratch).Select(s => matrix.Items[s.Item]).ToList();
        Assert.DoesNotContain("a", list);
        Assert.Equal(["b", "c", "e", "d"], list); // b and c by similarity to a (b is closer), then e, d by popularity
        var withoutC = Recommend.ForUser(matrix.IndexOfUser("new"), 4, matrix, [knn, popularity], scratch, i => matrix.Items[i] != "c").Select(s => matrix.Items[s.Item]);
        Assert.Equal(["b", "e", "d"], withoutC);
    }

    [Fact]
    public void Content_based_scores_reach_items_nobody_has_bought_through_shared_attributes()
    {
        var matrix = InteractionMatrix.From([new("u", "mug-red", T0, 2)], catalogue: ["mug-blue", "lamp", "mug-green"]);
        var attributes = new Dictionary<string, IReadOnlyCollection<string>>
        {
            ["mug-red"] = ["category=mugs", "colour=red"],
            ["mug-blue"] = ["category=mugs", "colour=blue"],
            ["mug-green"] = ["category=mugs"],
            ["lamp"] = ["category=lamps", "colour=red", "size=big"],
        };
        var model = new ContentRecommender(matrix, attributes);
        var scores = new double[matrix.ItemCount];
        model.Score(0, scores);
        // r = 2 · |A∩B| / √(|A|·|B|)
        Assert.Equal(2 * 1 / Math.Sqrt(2 * 2), scores[matrix.IndexOfItem("mug-blue")], 1e-12);
        Assert.Equal(2 * 1 / Math.Sqrt(2 * 1), scores[matrix.IndexOfItem("mug-green")], 1e-12);
        Assert.Equal(2 * 1 / Math.Sqrt(2 * 3), scores[matrix.IndexOfItem("lamp")], 1e-12);
        Assert.Equal(0, scores[matrix.IndexOfItem("mug-red")]);
    }
}
