namespace Tailor.Analytics.Recommendations;

/// <summary>An item (by index in the matrix) and its score.</summary>
public readonly record struct ScoredItem(int Item, double Score);
