namespace Tailor.Analytics.Recommendations;

/// <summary>The same list for everyone: items by the number of distinct users who interacted with them. The baseline every model must beat, and what a new customer is shown.</summary>
public sealed class PopularityRecommender : IRecommender
{
    private readonly double[] _popularity;

    public PopularityRecommender(InteractionMatrix matrix)
    {
        _popularity = new double[matrix.ItemCount];
        for (var i = 0; i < matrix.ItemCount; i++) _popularity[i] = matrix.UsersOf(i).Length;
    }

    public string Name => "popularity";

    /// <summary>Distinct users per item.</summary>
    public ReadOnlySpan<double> Popularity => _popularity;

    public void Score(int user, Span<double> scores) => _popularity.CopyTo(scores);
}
