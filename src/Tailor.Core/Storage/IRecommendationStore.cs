using Tailor.Core.Content;

namespace Tailor.Core.Storage;

/// <summary>
/// Precomputed recommendations (issue 19): for each served run, the item catalogue it knew (name, price, url, image,
/// category), each item's neighbours (item-kNN similarities, or association rules) and each profile's top-N. Writing
/// a run replaces the run served for its kind (<c>recommend</c> or <c>rules</c>) in one transaction, so a reader sees
/// the old rows or the new ones, never a mix; the rows of the replaced run are deleted.
/// </summary>
public interface IRecommendationStore
{
    /// <summary>Stores <paramref name="snapshot"/> and serves it for its kind from now on.</summary>
    Task PromoteAsync(RecommendationSnapshot snapshot, CancellationToken cancellationToken);

    /// <summary>The run served for <paramref name="kind"/>, or null when none has been promoted.</summary>
    Task<string?> ServedRunAsync(string kind, CancellationToken cancellationToken);

    /// <summary>
    /// The best <paramref name="limit"/> items precomputed for a profile by the served <c>recommend</c> run, best first,
    /// only of <paramref name="category"/> when given. Empty when the profile has none.
    /// </summary>
    Task<IReadOnlyList<RecommendedItem>> ForProfileAsync(string profileId, int limit, string? category, CancellationToken cancellationToken);

    /// <summary>
    /// Items related to <paramref name="item"/>: the association rules of the served <c>rules</c> run whose antecedent is
    /// that item alone (strongest first), then its neighbours in the served <c>recommend</c> run, without repeats.
    /// </summary>
    Task<IReadOnlyList<RecommendedItem>> RelatedAsync(string item, int limit, CancellationToken cancellationToken);
}
