namespace Tailor.Analytics.Clustering;

/// <summary>
/// Rows of numeric features, one row per subject (a profile, a customer in a user's file), stored as one flat
/// row-major <c>double[]</c> so the hot loops of k-means, Ward and the silhouette walk memory in order.
/// </summary>
public sealed class FeatureMatrix
{
    private readonly double[] _values;

    /// <summary>
    /// Wraps <paramref name="values"/> (row-major, <c>ids.Count × features.Count</c>) without copying it: the caller
    /// hands the array over and must not change it afterwards. Every value must be finite.
    /// </summary>
    public FeatureMatrix(IReadOnlyList<string> ids, IReadOnlyList<string> features, double[] values)
    {
        ArgumentOutOfRangeException.ThrowIfZero(features.Count, nameof(features));
        if ((long)ids.Count * features.Count != values.Length)
        {
            throw new ArgumentException($"{values.Length} values do not fill {ids.Count} rows of {features.Count} features", nameof(values));
        }
        for (int i = 0; i < values.Length; i++)
        {
            if (!double.IsFinite(values[i]))
            {
                throw new ArgumentException($"feature '{features[i % features.Count]}' of row '{ids[i / features.Count]}' is not a finite number", nameof(values));
            }
        }
        Ids = ids;
        Features = features;
        _values = values;
    }

    /// <summary>The subject of each row, in row order.</summary>
    public IReadOnlyList<string> Ids { get; }

    /// <summary>The feature (column) names, in column order.</summary>
    public IReadOnlyList<string> Features { get; }

    /// <summary>Number of rows.</summary>
    public int Rows => Ids.Count;

    /// <summary>Number of features per row.</summary>
    public int Columns => Features.Count;

    /// <summary>All values, row-major.</summary>
    public ReadOnlySpan<double> Values => _values;

    /// <summary>The features of row <paramref name="row"/>.</summary>
    public ReadOnlySpan<double> Row(int row) => _values.AsSpan(row * Columns, Columns);

    /// <summary>The value of <paramref name="feature"/> in <paramref name="row"/>.</summary>
    public double this[int row, int feature] => _values[row * Columns + feature];

    /// <summary>The backing array, for the algorithms in this assembly that split it across threads (never written).</summary>
    internal double[] Data => _values;

    /// <summary>A matrix with the same ids and features over new values (used by the transforms).</summary>
    internal FeatureMatrix With(double[] values) => new(Ids, Features, values);
}
