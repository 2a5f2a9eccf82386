namespace Tailor.Analytics.Recommendations;

/// <summary>
/// Settings of every model: <see cref="Neighbours"/> (item-kNN k, default 50), <see cref="EaseLambda"/> (default 200),
/// <see cref="Als"/>. Values in the matrix are the summed interaction weights; item-kNN and ALS use them as they are
/// (ALS through its confidence 1 + α·r), EASE uses the binary matrix (as in the paper).
/// </summary>
public sealed record RecommenderSettings(int Neighbours = ItemKnnRecommender.DefaultNeighbours, double EaseLambda = EaseRecommender.DefaultLambda, AlsOptions? Als = null)
{
    public const int MaxNeighbours = 500;
    public static readonly IReadOnlyList<string> Models = ["popularity", "item-knn", "ease", "als"];

    public AlsOptions AlsOptions => Als ?? new AlsOptions();

    /// <summary>Trains <paramref name="model"/> (one of <see cref="Models"/>) on <paramref name="matrix"/>.</summary>
    public IRecommender Train(string model, InteractionMatrix matrix, CancellationToken ct = default) => model switch
    {
        "popularity" => new PopularityRecommender(matrix),
        "item-knn" => ItemKnnRecommender.Train(matrix, Neighbours, ct),
        "ease" => EaseRecommender.Train(matrix.Map(static _ => 1.0), EaseLambda, ct),
        "als" => AlsRecommender.Train(matrix, AlsOptions, ct: ct),
        _ => throw new ArgumentOutOfRangeException(nameof(model), $"unknown model \"{model}\"; one of {string.Join(", ", Models)}"),
    };
}
