namespace Tailor.Analytics.Clustering;

/// <summary>
/// One merge of a Ward tree, in scipy's linkage-matrix form: the two clusters joined (ids below n are rows, id n + i is
/// the cluster made by merge i), the height, and the size of the new cluster. The height is scipy's Ward distance,
/// <c>sqrt(2 · |A|·|B| / (|A| + |B|)) · ‖mean(A) − mean(B)‖</c>, i.e. the square root of twice the increase in the
/// within-cluster sum of squares the merge causes.
/// </summary>
public readonly record struct WardMerge(int Left, int Right, double Height, int Size);
