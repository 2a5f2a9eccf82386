namespace Tailor.Analytics.Clustering;

/// <summary>
/// The outcome of a clustering run: the evaluation of every k tried, the suggestion, the k used (the suggested one),
/// each row's cluster at that k (0 is the largest cluster), the cluster profiles, the PCA fitted (when asked for) and
/// the matrix that was clustered (after transform, scaling and PCA).
/// </summary>
public sealed record ClusterAnalysisResult(
    ClusterAnalysisOptions Options,
    IReadOnlyList<string> Features,
    IReadOnlyList<double> OverallMeans,
    PrincipalComponents? Pca,
    IReadOnlyList<KEvaluation> Evaluations,
    KSuggestion Suggestion,
    int K,
    int[] Labels,
    IReadOnlyList<ClusterProfile> Profiles,
    FeatureMatrix Clustered)
{
    /// <summary>The ids of the rows, in the order of <see cref="Labels"/>.</summary>
    public IReadOnlyList<string> Ids => Clustered.Ids;

    /// <summary>The name of the cluster of row <paramref name="row"/>.</summary>
    public string NameOf(int row) => Profiles[Labels[row]].Name;
}
