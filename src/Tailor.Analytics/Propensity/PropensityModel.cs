namespace Tailor.Analytics.Propensity;

/// <summary>
/// The models fitted on every row after validation: the LightGBM model and the recency baseline, and which of the
/// two scores profiles (the one that validated better).
/// </summary>
/// <param name="Schema">The columns both were trained on; score with a table built with the same schema.</param>
/// <param name="Chosen"><c>gradient_boosting</c> or <c>recency_baseline</c>.</param>
/// <param name="GradientBoosting">The LightGBM model.</param>
/// <param name="Baseline">The logistic regression on recency.</param>
public sealed record PropensityModel(FeatureSchema Schema, string Chosen, GradientBoostingModel GradientBoosting, LogisticRegression Baseline)
{
    /// <summary>The chosen model's probability for each row of <paramref name="table"/>.</summary>
    public double[] Score(FeatureTable table)
    {
        if (!table.Schema.FeatureNames.SequenceEqual(Schema.FeatureNames, StringComparer.Ordinal))
        {
            throw new ArgumentException("The table's columns differ from the model's; build it with the model's schema.", nameof(table));
        }
        return Chosen == PropensityTrainer.GradientBoostingName
            ? GradientBoosting.Predict(table.Rows)
            : [.. table.Rows.Select(r => Baseline.Predict([r[FeatureSchema.RecencyColumn]]))];
    }
}
