namespace Tailor.Analytics.Clustering;

/// <summary>The transforms and scalings applied to a feature matrix before clustering; each returns a new matrix.</summary>
public static class FeaturePreparation
{
    /// <summary>Applies <paramref name="transform"/> to every value.</summary>
    public static FeatureMatrix Transform(FeatureMatrix matrix, FeatureTransform transform)
    {
        if (transform == FeatureTransform.None)
        {
            return matrix;
        }
        var source = matrix.Values;
        var values = new double[source.Length];
        for (int i = 0; i < values.Length; i++)
        {
            if (source[i] <= -1)
            {
                throw new ArgumentException($"log1p needs values above -1; feature '{matrix.Features[i % matrix.Columns]}' of row '{matrix.Ids[i / matrix.Columns]}' is {source[i]}");
            }
            values[i] = Log1p(source[i]);
        }
        return matrix.With(values);
    }

    /// <summary>Scales every column by <paramref name="scaling"/>.</summary>
    public static FeatureMatrix Scale(FeatureMatrix matrix, FeatureScaling scaling)
    {
        if (scaling == FeatureScaling.None)
        {
            return matrix;
        }
        int d = matrix.Columns;
        var (centre, spread) = scaling == FeatureScaling.ZScore ? MeanAndDeviation(matrix) : MinAndRange(matrix);
        var source = matrix.Values;
        var values = new double[source.Length];
        for (int i = 0; i < values.Length; i++)
        {
            int f = i % d;
            values[i] = (source[i] - centre[f]) / spread[f];
        }
        return matrix.With(values);
    }

    /// <summary>
    /// The mean and population standard deviation (divisor n) of each column; a standard deviation of 0 is returned
    /// as 1 so a constant column scales to 0, as scikit-learn does.
    /// </summary>
    public static (double[] Mean, double[] Deviation) MeanAndDeviation(FeatureMatrix matrix)
    {
        var (mean, variance) = MeanAndVariance(matrix);
        var deviation = new double[variance.Length];
        for (int f = 0; f < deviation.Length; f++)
        {
            double sd = Math.Sqrt(variance[f]);
            // scikit-learn treats a deviation within rounding of the mean's magnitude as zero.
            deviation[f] = sd > 10 * double.Epsilon * Math.Max(1, Math.Abs(mean[f])) ? sd : 1;
        }
        return (mean, deviation);
    }

    /// <summary>The mean and population variance (divisor n) of each column, in two passes for accuracy.</summary>
    public static (double[] Mean, double[] Variance) MeanAndVariance(FeatureMatrix matrix)
    {
        int n = matrix.Rows, d = matrix.Columns;
        var data = matrix.Values;
        var mean = new double[d];
        var variance = new double[d];
        for (int i = 0; i < data.Length; i++)
        {
            mean[i % d] += data[i];
        }
        for (int f = 0; f < d; f++)
        {
            mean[f] /= n;
        }
        for (int i = 0; i < data.Length; i++)
        {
            double diff = data[i] - mean[i % d];
            variance[i % d] += diff * diff;
        }
        for (int f = 0; f < d; f++)
        {
            variance[f] /= n;
        }
        return (mean, variance);
    }

    private static (double[] Min, double[] Range) MinAndRange(FeatureMatrix matrix)
    {
        int d = matrix.Columns;
        var data = matrix.Values;
        var min = new double[d];
        var max = new double[d];
        Array.Fill(min, double.PositiveInfinity);
        Array.Fill(max, double.NegativeInfinity);
        for (int i = 0; i < data.Length; i++)
        {
            int f = i % d;
            min[f] = Math.Min(min[f], data[i]);
            max[f] = Math.Max(max[f], data[i]);
        }
        var range = new double[d];
        for (int f = 0; f < d; f++)
        {
            range[f] = max[f] > min[f] ? max[f] - min[f] : 1;
        }
        return (min, range);
    }

    // ln(1 + x) loses digits for tiny x because 1 + x rounds; below 1e-4 the series to x⁴ is exact to double precision.
    private static double Log1p(double x) => Math.Abs(x) < 1e-4 ? x * (1 - x * (0.5 - x * (1.0 / 3 - x / 4))) : Math.Log(1 + x);
}
