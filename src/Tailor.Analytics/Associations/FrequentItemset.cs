namespace Tailor.Analytics.Associations;

/// <summary>A set of items (ordinal order) found together in <paramref name="Count"/> baskets; <paramref name="Support"/> = Count / number of baskets.</summary>
public sealed record FrequentItemset(IReadOnlyList<string> Items, int Count, double Support);
