using Tailor.Analytics.Recommendations;
using static Tailor.Analytics.Tests.Recommendations.RecommendationFixtures;

namespace Tailor.Analytics.Tests.Recommendations;

public sealed class OfflineEvaluationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly DateTimeOffset T0 = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void On_data_with_taste_groups_collaborative_models_beat_popularity_and_one_is_chosen()
    {
        // Four taste groups of different sizes; the biggest group's items are the most popular overall, so popularity
        // serves everyone that group's items and misses the other groups.
        var random = new Random(11);
        var rows = new List<Interaction>();
        int[] sizes = [60, 30, 20, 15];
        for (var g = 0; g < sizes.Length; g++)
            for (var u = 0; u < sizes[g]; u++)
            {
                var k = 0;
                foreach (var i in Enumerable.Range(0, 25).OrderBy(_ => random.Next()).Take(10))
                    rows.Add(new Interaction($"g{g}u{u}", $"g{g}i{i}", T0.AddHours(k++)));
            }
        var report = OfflineEvaluation.Run(rows, ["item-knn", "ease", "als"], new RecommenderSettings(EaseLambda: 10, Als: new AlsOptions(Factors: 8, Iterations: 8)), ct: Ct);
        Assert.Equal(["popularity", "item-knn", "ease", "als"], report.Models.Select(m => m.Model));
        Assert.Equal(125, report.UsersEvaluated);
        Assert.Equal(250, report.HeldOutInteractions); // 2 of 10 per user
        var popularity = report.Models[0];
        foreach (var model in report.Models.Skip(1))
        {
            Assert.True(model.Ndcg > popularity.Ndcg + 0.1, $"{model.Model} NDCG {model.Ndcg} vs popularity {popularity.Ndcg}");
            Assert.True(model.Recall > popularity.Recall);
            Assert.True(model.Coverage > popularity.Coverage);
        }
        Assert.Equal(report.Models.MaxBy(m => m.Ndcg)!.Model, report.Winner);
        Assert.Contains("highest NDCG@k", report.Reason);
    }

    [Fact]
    public void Popularity_wins_when_no_model_beats_it()
    {
        var (winner, reason) = OfflineEvaluation.Choose([new("popularity", 0.1, 0.1, 0.2, 0.01, 0), new("item-knn", 0.1, 0.1, 0.15, 0.5, 0)]);
        Assert.Equal("popularity", winner);
        Assert.Contains("no model beat the popularity baseline", reason);
    }

    [Fact]
    public void The_online_retail_slice_is_read_as_purchases_and_evaluated()
    {
        using var reader = new StreamReader(PathOf("online-retail-slice.csv"));
        var rows = InteractionFile.Read(reader);
        // Lines with a customer, a positive quantity and no cancellation (counted independently with awk-like rules below).
        var expected = File.ReadLines(PathOf("online-retail-slice.csv")).Skip(1).Select(l => l.Split(','))
            .Count(f => !f[0].StartsWith('C') && f[^2].Length > 0 && int.Parse(f[^5], System.Globalization.CultureInfo.InvariantCulture) > 0);
        Assert.Equal(expected, rows.Count);
        var report = OfflineEvaluation.Run(rows, ["item-knn", "ease"], new RecommenderSettings(), ct: Ct);
        Assert.True(report.UsersEvaluated > 10);
        Assert.All(report.Models, m => Assert.InRange(m.Ndcg, 0, 1));
        Assert.Contains(report.Winner, report.Models.Select(m => m.Model));
    }
}
