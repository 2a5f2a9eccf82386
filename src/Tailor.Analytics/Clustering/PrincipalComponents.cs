using MathNet.Numerics.LinearAlgebra;

namespace Tailor.Analytics.Clustering;

/// <summary>
/// Principal component analysis fitted by the eigendecomposition of the sample covariance matrix (divisor n − 1, as
/// scikit-learn's PCA), which costs one pass over the rows and a d × d decomposition (MathNet's symmetric EVD).
/// Components are unit vectors, in decreasing order of explained variance. Sign convention: each component is flipped
/// so that its entry of largest absolute value is positive (scikit-learn 1.2 fixes the sign from the scores instead,
/// so compare the two up to the sign of each component).
/// </summary>
public sealed class PrincipalComponents
{
    private PrincipalComponents(double[] mean, double[][] components, double[] explainedVariance, double[] explainedVarianceRatio)
    {
        Mean = mean;
        Components = components;
        ExplainedVariance = explainedVariance;
        ExplainedVarianceRatio = explainedVarianceRatio;
    }

    /// <summary>The column means subtracted before projecting.</summary>
    public IReadOnlyList<double> Mean { get; }

    /// <summary>The components, each a unit vector over the input features.</summary>
    public IReadOnlyList<double[]> Components { get; }

    /// <summary>The variance along each component (eigenvalues of the covariance matrix).</summary>
    public IReadOnlyList<double> ExplainedVariance { get; }

    /// <summary>Each component's share of the total variance (the trace of the covariance matrix).</summary>
    public IReadOnlyList<double> ExplainedVarianceRatio { get; }

    /// <summary>Fits <paramref name="count"/> components (between 1 and the number of features) to <paramref name="matrix"/> (at least 2 rows).</summary>
    public static PrincipalComponents Fit(FeatureMatrix matrix, int count)
    {
        int n = matrix.Rows, d = matrix.Columns;
        if (count < 1 || count > d)
        {
            throw new ArgumentOutOfRangeException(nameof(count), $"must be between 1 and the number of features ({d})");
        }
        if (n < 2)
        {
            throw new ArgumentException("PCA needs at least two rows", nameof(matrix));
        }
        var (mean, _) = FeaturePreparation.MeanAndDeviation(matrix);
        var covariance = new double[d * d];
        var centred = new double[d];
        var data = matrix.Values;
        for (int i = 0; i < n; i++)
        {
            for (int f = 0; f < d; f++)
            {
                centred[f] = data[i * d + f] - mean[f];
            }
            for (int a = 0; a < d; a++)
            {
                double ca = centred[a];
                for (int b = a; b < d; b++)
                {
                    covariance[a * d + b] += ca * centred[b];
                }
            }
        }
        var cov = Matrix<double>.Build.Dense(d, d, (a, b) => covariance[Math.Min(a, b) * d + Math.Max(a, b)] / (n - 1));
        var evd = cov.Evd(Symmetricity.Symmetric);
        // MathNet returns eigenvalues in increasing order; tiny negative ones are rounding of a zero variance.
        var order = Enumerable.Range(0, d).OrderByDescending(i => evd.EigenValues[i].Real).ToArray();
        double total = cov.Trace();
        var components = new double[count][];
        var variance = new double[count];
        var ratio = new double[count];
        for (int c = 0; c < count; c++)
        {
            var vector = evd.EigenVectors.Column(order[c]);
            int largest = vector.AbsoluteMaximumIndex();
            if (vector[largest] < 0)
            {
                vector = -vector;
            }
            components[c] = vector.ToArray();
            variance[c] = Math.Max(0, evd.EigenValues[order[c]].Real);
            ratio[c] = total > 0 ? variance[c] / total : 0;
        }
        return new PrincipalComponents(mean, components, variance, ratio);
    }

    /// <summary>The scores of every row of <paramref name="matrix"/> (same features as the fit) on the components, as a matrix with features <c>pc1</c>, <c>pc2</c>, ….</summary>
    public FeatureMatrix Project(FeatureMatrix matrix)
    {
        int n = matrix.Rows, d = matrix.Columns, k = Components.Count;
        if (d != Mean.Count)
        {
            throw new ArgumentException($"the matrix has {d} features; the components were fitted on {Mean.Count}", nameof(matrix));
        }
        var data = matrix.Values;
        var scores = new double[n * k];
        for (int i = 0; i < n; i++)
        {
            for (int c = 0; c < k; c++)
            {
                var component = Components[c];
                double sum = 0;
                for (int f = 0; f < d; f++)
                {
                    sum += (data[i * d + f] - Mean[f]) * component[f];
                }
                scores[i * k + c] = sum;
            }
        }
        var names = Enumerable.Range(1, k).Select(c => $"pc{c}").ToArray();
        return new FeatureMatrix(matrix.Ids, names, scores);
    }
}
