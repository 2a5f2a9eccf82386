namespace Tailor.Analytics.Recommendations;

/// <summary>A trained model: a score for every item of the matrix it was trained on, for one user of that matrix. Higher is better; 0 means "no evidence".</summary>
public interface IRecommender
{
    /// <summary>The model's name in results and stored rows (<c>item-knn</c>, <c>ease</c>, <c>als</c>, <c>content</c>, <c>popularity</c>).</summary>
    string Name { get; }

    /// <summary>Writes the score of every item for <paramref name="user"/> into <paramref name="scores"/> (length = item count), overwriting it.</summary>
    void Score(int user, Span<double> scores);
}
