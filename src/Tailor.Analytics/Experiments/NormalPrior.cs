namespace Tailor.Analytics.Experiments;

/// <summary>A proper normal prior on the lift (relative lift unless the analysis is absolute): mean and standard deviation.</summary>
public sealed record NormalPrior(double Mean, double StandardDeviation);
