using Tailor.Analytics.Recommendations;

namespace Tailor.Analytics.Tests.Recommendations;

public sealed class AlsRecommenderTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly DateTimeOffset T0 = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// A planted rank-3 structure: 3 groups of 30 users, each buying from its own block of 20 items (each user a random
    /// 8 of them), so the preference matrix is block diagonal. Returns the interactions and each user's group.
    /// </summary>
    private static (List<Interaction> Rows, Dictionary<string, int> Group) Planted(int seed)
    {
        var random = new Random(seed);
        var rows = new List<Interaction>();
        var group = new Dictionary<string, int>();
        for (var g = 0; g < 3; g++)
            for (var u = 0; u < 30; u++)
            {
                var user = $"g{g}u{u}";
                group[user] = g;
                foreach (var i in Enumerable.Range(0, 20).OrderBy(_ => random.Next()).Take(8))
                    rows.Add(new Interaction(user, $"g{g}i{i}", T0, 1 + random.Next(3)));
            }
        return (rows, group);
    }

    [Fact]
    public void The_objective_decreases_at_every_iteration()
    {
        var (rows, _) = Planted(1);
        var model = AlsRecommender.Train(InteractionMatrix.From(rows), new AlsOptions(Factors: 5, Regularization: 0.1, Alpha: 5, Iterations: 8, Seed: 3), ct: Ct);
        Assert.Equal(8, model.Losses.Count);
        for (var k = 1; k < model.Losses.Count; k++) Assert.True(model.Losses[k] <= model.Losses[k - 1] + 1e-9, $"iteration {k}: {model.Losses[k]} > {model.Losses[k - 1]}");
        Assert.True(model.Losses[^1] < 0.5 * model.Losses[0]);
    }

    [Fact]
    public void A_planted_low_rank_structure_is_recovered()
    {
        var (rows, group) = Planted(2);
        var matrix = InteractionMatrix.From(rows);
        var model = AlsRecommender.Train(matrix, new AlsOptions(Factors: 3, Regularization: 0.1, Alpha: 5, Iterations: 10, Seed: 4), ct: Ct);
        var scores = new double[matrix.ItemCount];
        for (var u = 0; u < matrix.UserCount; u++)
        {
            model.Score(u, scores);
            var mine = $"g{group[matrix.Users[u]]}i";
            // Every one of the user's top 10 unseen items comes from their own block.
            var top = TopItems.Select(scores, 10, matrix.ItemsOf(u));
            Assert.Equal(10, top.Length);
            Assert.All(top, s => Assert.StartsWith(mine, matrix.Items[s.Item]));
        }
    }

    [Fact]
    public void The_same_seed_gives_the_same_factors()
    {
        var (rows, _) = Planted(5);
        var matrix = InteractionMatrix.From(rows);
        var options = new AlsOptions(Factors: 4, Iterations: 3, Seed: 9);
        Assert.Equal(AlsRecommender.Train(matrix, options, ct: Ct).Losses, AlsRecommender.Train(matrix, options, ct: Ct).Losses);
    }
}
