namespace Tailor.Analytics.Propensity;

/// <summary>Cross-validation of the gradient-boosting model against the recency baseline on the same folds, and the verdict.</summary>
/// <param name="Rows">Customers (rows) trained on.</param>
/// <param name="Positives">Rows labelled positive.</param>
/// <param name="Folds">k.</param>
/// <param name="GradientBoosting">The LightGBM model's validation.</param>
/// <param name="Baseline">The recency-only logistic regression's validation.</param>
/// <param name="AucGain">CV AUC of the model minus that of the baseline.</param>
/// <param name="Chosen">The model whose scores are written: <c>gradient_boosting</c> if it beats the baseline, else <c>recency_baseline</c>.</param>
/// <param name="Verdict">One sentence a person reads: whether the model earns its place.</param>
/// <param name="TopFeatures">The final model's features by share of split gain, largest first (up to ten).</param>
public sealed record PropensityValidation(
    int Rows,
    int Positives,
    int Folds,
    ModelValidation GradientBoosting,
    ModelValidation Baseline,
    double AucGain,
    string Chosen,
    string Verdict,
    IReadOnlyList<FeatureImportance> TopFeatures)
{
    /// <summary>The CV AUC of the chosen model: what promotion compares.</summary>
    public double ChosenAuc => Chosen == PropensityTrainer.GradientBoostingName ? GradientBoosting.MeanAuc : Baseline.MeanAuc;
}
