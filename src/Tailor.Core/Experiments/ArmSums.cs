namespace Tailor.Core.Experiments;

/// <summary>
/// The per-arm sufficient statistics of one metric: over the arm's units, the sums of the value y, its square, the
/// pre-exposure covariate x, its square and x·y; for a ratio metric y is the numerator and d the denominator.
/// Everything the statistics need (means, variances, CUPED's θ, the delta method) follows from these sums.
/// </summary>
public sealed record ArmSums(string Arm, long Units, double Sum, double SumSquares, double CovariateSum, double CovariateSumSquares, double CrossProduct,
    double DenominatorSum = 0, double DenominatorSumSquares = 0, double NumeratorDenominatorCross = 0);
