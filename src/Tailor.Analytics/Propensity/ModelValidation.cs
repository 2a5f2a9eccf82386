namespace Tailor.Analytics.Propensity;

/// <summary>How one model validated under k-fold cross-validation, on out-of-fold predictions only.</summary>
/// <param name="Model"><c>gradient_boosting</c> or <c>recency_baseline</c>.</param>
/// <param name="FoldAuc">The AUC on each validation fold.</param>
/// <param name="MeanAuc">The mean of <paramref name="FoldAuc"/>: the CV AUC that comparisons and promotion use.</param>
/// <param name="AucStandardDeviation">The sample standard deviation of <paramref name="FoldAuc"/>.</param>
/// <param name="PooledAuc">The AUC of all out-of-fold predictions together.</param>
/// <param name="LogLoss">The log-loss of all out-of-fold predictions.</param>
/// <param name="Calibration">Predicted against observed per bin of the out-of-fold predictions.</param>
public sealed record ModelValidation(
    string Model,
    IReadOnlyList<double> FoldAuc,
    double MeanAuc,
    double AucStandardDeviation,
    double PooledAuc,
    double LogLoss,
    IReadOnlyList<CalibrationBin> Calibration);
