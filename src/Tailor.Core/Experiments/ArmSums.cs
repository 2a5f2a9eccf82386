namespace Tailor.Core.Experiments;

/// <summary>
/// The per-arm sufficient statistics of one metric: over the arm's units, the sums of the value y, its square, the
/// pre-exposure covariate x, its square and x·y; for a ratio metric y is the numerator and d the denominator.
/// Everything the statistics need (means, variances, CUPED's θ, the delta method) follows from these sums. For a ratio
/// metric's CUPED, xd is the pre-exposure denominator and the last six sums are its terms and cross-products.
/// </summary>
public sealed record ArmSums(string Arm, long Units, double Sum, double SumSquares, double CovariateSum, double CovariateSumSquares, double CrossProduct,
    double DenominatorSum = 0, double DenominatorSumSquares = 0, double NumeratorDenominatorCross = 0,
    double CovariateDenominatorSum = 0, double CovariateDenominatorSumSquares = 0, double CovariateNumeratorDenominatorCross = 0,
    double NumeratorCovariateDenominatorCross = 0, double DenominatorCovariateCross = 0, double DenominatorCovariateDenominatorCross = 0)
{
    /// <summary>How many sums <see cref="UnitValues.Contribution"/> gives, in the order of <see cref="FromVector"/>.</summary>
    public const int VectorLength = 15;

    /// <summary>The sums from a vector of <see cref="VectorLength"/> (the unit count first), as kept by the experiments follower.</summary>
    public static ArmSums FromVector(string arm, ReadOnlySpan<double> s) => new(arm, (long)Math.Round(s[0]), s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8],
        s[9], s[10], s[11], s[12], s[13], s[14]);
}
