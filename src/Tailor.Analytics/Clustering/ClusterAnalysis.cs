namespace Tailor.Analytics.Clustering;

/// <summary>
/// A whole clustering run over a feature matrix: transform → scale → optional PCA → cluster at every k of the range
/// (k-means, or one Ward tree cut at each k) → WCSS and silhouette per k → suggested k → labels at that k, renumbered
/// so cluster 0 is the largest (ties: the cluster whose first row comes first) → profiles and names.
/// </summary>
public static class ClusterAnalysis
{
    /// <summary>Runs <paramref name="options"/> over <paramref name="input"/>; parameters are checked first (<see cref="ClusterAnalysisOptions.Validate"/>).</summary>
    public static ClusterAnalysisResult Run(FeatureMatrix input, ClusterAnalysisOptions options, IProgress<ClusterProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        options.Validate(input.Rows, input.Columns);
        int steps = options.MaxK - options.MinK + 2;
        var transformed = FeaturePreparation.Transform(input, options.Transform);
        var clustered = FeaturePreparation.Scale(transformed, options.Scaling);
        PrincipalComponents? pca = null;
        if (options.PcaComponents is int components)
        {
            pca = PrincipalComponents.Fit(clustered, components);
            clustered = pca.Project(clustered);
        }
        WardLinkage? tree = null;
        if (options.Method == ClusterMethod.Ward)
        {
            progress?.Report(new ClusterProgress("building the Ward tree", 0, steps));
            tree = WardLinkage.Fit(clustered, cancellationToken);
        }
        var evaluations = new List<KEvaluation>();
        var labelsByK = new Dictionary<int, int[]>();
        for (int k = options.MinK; k <= options.MaxK; k++)
        {
            progress?.Report(new ClusterProgress($"clustering with k = {k}", k - options.MinK, steps));
            int[] labels;
            double wcss;
            if (tree is null)
            {
                var fit = KMeans.Fit(clustered, new KMeansOptions(k)
                {
                    Restarts = options.Restarts,
                    Seed = options.Seed,
                    Tolerance = options.Tolerance,
                    MaxIterations = options.MaxIterations,
                }, cancellationToken);
                (labels, wcss) = (fit.Labels, fit.Inertia);
            }
            else
            {
                labels = tree.Cut(k);
                wcss = ClusterProfiles.WithinClusterSumOfSquares(clustered, labels, k);
            }
            var silhouette = Silhouette.Score(clustered, labels, k, options.Seed, options.SilhouetteExactRows, cancellationToken);
            evaluations.Add(new KEvaluation(k, wcss, silhouette));
            labelsByK[k] = labels;
        }
        var suggestion = KSelection.Suggest(evaluations);
        progress?.Report(new ClusterProgress("describing the clusters", steps - 1, steps));
        var chosen = BySize(labelsByK[suggestion.K], suggestion.K);
        var profiles = ClusterProfiles.Describe(input, transformed, chosen, suggestion.K);
        var (overall, _) = FeaturePreparation.MeanAndVariance(input);
        progress?.Report(new ClusterProgress("done", steps, steps));
        return new ClusterAnalysisResult(options, input.Features, overall, pca, evaluations, suggestion, suggestion.K, chosen, profiles, clustered);
    }

    // Renumbers clusters by decreasing size (ties: first row first) so cluster numbers mean the same thing run to run.
    private static int[] BySize(int[] labels, int k)
    {
        var sizes = new int[k];
        var first = new int[k];
        Array.Fill(first, int.MaxValue);
        for (int i = 0; i < labels.Length; i++)
        {
            sizes[labels[i]]++;
            first[labels[i]] = Math.Min(first[labels[i]], i);
        }
        var order = Enumerable.Range(0, k).OrderByDescending(c => sizes[c]).ThenBy(c => first[c]).ToArray();
        var rank = new int[k];
        for (int r = 0; r < k; r++)
        {
            rank[order[r]] = r;
        }
        var renumbered = new int[labels.Length];
        for (int i = 0; i < labels.Length; i++)
        {
            renumbered[i] = rank[labels[i]];
        }
        return renumbered;
    }
}
