namespace Tailor.Analytics.Propensity;

/// <summary>The result of training: the validation report, the final models, and the out-of-fold scores behind the report (for charts).</summary>
public sealed record PropensityTraining(
    PropensityValidation Validation,
    PropensityModel Model,
    IReadOnlyList<bool> Labels,
    IReadOnlyList<double> OutOfFoldModel,
    IReadOnlyList<double> OutOfFoldBaseline);
