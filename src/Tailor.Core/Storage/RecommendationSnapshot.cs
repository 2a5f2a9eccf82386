namespace Tailor.Core.Storage;

/// <summary>
/// What one recommendation run serves. <paramref name="Kind"/> is <see cref="RecommendationKinds.Recommend"/> (neighbours
/// from the trained model and per-profile lists) or <see cref="RecommendationKinds.Rules"/> (neighbours from association
/// rules). Neighbours and profile lists are given best first: their order is their rank.
/// </summary>
public sealed record RecommendationSnapshot(
    string Run,
    string Kind,
    string Model,
    DateTimeOffset At,
    IReadOnlyList<CatalogueItem> Items,
    IReadOnlyList<ItemNeighbour> Neighbours,
    IReadOnlyList<ProfileRecommendation> Profiles);
