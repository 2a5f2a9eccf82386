namespace Tailor.Analytics.Clustering;

/// <summary>
/// Describes each cluster against the whole set. Means are of the input features (before transform and scaling), so a
/// person reads them in their own units. The standardised mean of feature f in cluster c is
/// <c>(mean over c of t(f) − mean over all of t(f)) / sd over all of t(f)</c>, where t is the run's transform (log1p
/// or none) and sd the population standard deviation; it drives the names and the profile chart.
/// </summary>
public static class ClusterProfiles
{
    /// <summary>Profiles for clusters 0 … k−1 of <paramref name="labels"/>, named by <see cref="ClusterNamer"/>.</summary>
    public static IReadOnlyList<ClusterProfile> Describe(FeatureMatrix input, FeatureMatrix transformed, int[] labels, int k)
    {
        int n = input.Rows, d = input.Columns;
        var means = ClusterMeans(input, labels, k, out var sizes);
        var transformedMeans = ClusterMeans(transformed, labels, k, out _);
        var (overall, deviation) = FeaturePreparation.MeanAndDeviation(transformed);
        var standardized = new IReadOnlyList<double>[k];
        for (int c = 0; c < k; c++)
        {
            var z = new double[d];
            for (int f = 0; f < d; f++)
            {
                z[f] = sizes[c] == 0 ? 0 : (transformedMeans[c][f] - overall[f]) / deviation[f];
            }
            standardized[c] = z;
        }
        var names = ClusterNamer.NameAll(input.Features, standardized);
        var profiles = new ClusterProfile[k];
        for (int c = 0; c < k; c++)
        {
            profiles[c] = new ClusterProfile(c, names[c], sizes[c], (double)sizes[c] / n, means[c], standardized[c]);
        }
        return profiles;
    }

    /// <summary>The mean of every column within each cluster (zeros for an empty cluster), and each cluster's size.</summary>
    public static double[][] ClusterMeans(FeatureMatrix matrix, int[] labels, int k, out int[] sizes)
    {
        int d = matrix.Columns;
        var data = matrix.Values;
        var sums = new double[k][];
        for (int c = 0; c < k; c++)
        {
            sums[c] = new double[d];
        }
        sizes = new int[k];
        for (int i = 0; i < labels.Length; i++)
        {
            var sum = sums[labels[i]];
            sizes[labels[i]]++;
            for (int f = 0; f < d; f++)
            {
                sum[f] += data[i * d + f];
            }
        }
        for (int c = 0; c < k; c++)
        {
            for (int f = 0; f < d && sizes[c] > 0; f++)
            {
                sums[c][f] /= sizes[c];
            }
        }
        return sums;
    }

    /// <summary>The within-cluster sum of squares: the sum over rows of the squared distance to its cluster's mean.</summary>
    public static double WithinClusterSumOfSquares(FeatureMatrix matrix, int[] labels, int k)
    {
        var means = ClusterMeans(matrix, labels, k, out _);
        int d = matrix.Columns;
        var data = matrix.Values;
        double total = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            var mean = means[labels[i]];
            for (int f = 0; f < d; f++)
            {
                double diff = data[i * d + f] - mean[f];
                total += diff * diff;
            }
        }
        return total;
    }
}
