namespace Tailor.Analytics.Propensity;

/// <summary>One row of features per profile, in profile-id order, with the labels when built for training.</summary>
/// <param name="Schema">The columns.</param>
/// <param name="ProfileIds">The profile of each row (ordinal order).</param>
/// <param name="Rows">The feature values; <see cref="float.NaN"/> marks a missing value (e.g. mean days between orders with one order).</param>
/// <param name="Labels">The label of each row (true = churned / bought in the horizon); null when built for scoring.</param>
public sealed record FeatureTable(FeatureSchema Schema, IReadOnlyList<string> ProfileIds, float[][] Rows, bool[]? Labels)
{
    /// <summary>How many rows are labelled positive (0 when unlabelled).</summary>
    public int Positives => Labels is null ? 0 : Labels.Count(l => l);

    /// <summary>The values of one column, as doubles.</summary>
    public double[] Column(int column)
    {
        var values = new double[Rows.Length];
        for (var i = 0; i < Rows.Length; i++)
        {
            values[i] = Rows[i][column];
        }
        return values;
    }
}
