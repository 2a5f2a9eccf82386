namespace Tailor.Analytics.Recommendations;

/// <summary>
/// Item-to-item collaborative filtering (Sarwar et al. 2001; Linden, Smith, York 2003): the score of item j for user u
/// is Σ_{i ∈ items(u)} r_ui · sim(i, j) over the <c>k</c> nearest neighbours of each item i the user touched.
/// </summary>
public sealed class ItemKnnRecommender(InteractionMatrix matrix, ItemNeighbours neighbours) : IRecommender
{
    public const int DefaultNeighbours = 50;

    public string Name => "item-knn";

    public ItemNeighbours Neighbours => neighbours;

    public static ItemKnnRecommender Train(InteractionMatrix matrix, int k = DefaultNeighbours, CancellationToken ct = default) =>
        new(matrix, ItemNeighbours.Compute(matrix, k, ct));

    public void Score(int user, Span<double> scores)
    {
        scores.Clear();
        var items = matrix.ItemsOf(user);
        var values = matrix.ValuesOf(user);
        for (var a = 0; a < items.Length; a++)
        {
            var near = neighbours.Of(items[a]);
            var sims = neighbours.ScoresOf(items[a]);
            for (var b = 0; b < near.Length; b++) scores[near[b]] += values[a] * sims[b];
        }
    }
}
