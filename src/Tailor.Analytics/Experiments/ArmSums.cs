namespace Tailor.Analytics.Experiments;

/// <summary>
/// The sufficient statistics of one metric in one arm: sums over the arm's units, from which every estimate is computed.
/// Which fields are needed depends on the <see cref="MetricKind"/>:
/// <list type="bullet">
/// <item>rate: <see cref="Units"/>, <see cref="Conversions"/>;</item>
/// <item>mean: <see cref="Units"/>, <see cref="Sum"/>, <see cref="SumOfSquares"/>;</item>
/// <item>ratio: <see cref="Sum"/>/<see cref="SumOfSquares"/> of the numerator, <see cref="DenominatorSum"/>,
/// <see cref="DenominatorSumOfSquares"/>, <see cref="NumeratorDenominatorProducts"/> (Σ numerator·denominator).</item>
/// </list>
/// CUPED (variance reduction with a pre-exposure covariate) adds, for rates and means, the covariate's
/// <see cref="CovariateSum"/>, <see cref="CovariateSumOfSquares"/> and <see cref="ValueCovariateProducts"/>
/// (Σ value·covariate); for ratios the covariate is the same ratio over the pre-exposure period, so it also needs the
/// pre-period denominator terms and the four post×pre cross-products.
/// </summary>
/// <param name="Arm">The arm's name.</param>
/// <param name="Units">Units (users, profiles) exposed in the arm.</param>
public sealed record ArmSums(string Arm, long Units)
{
    /// <summary>Rate metrics: units that converted (0 ≤ conversions ≤ units).</summary>
    public long? Conversions { get; init; }

    /// <summary>Mean metrics: Σ value. Ratio metrics: Σ numerator.</summary>
    public double? Sum { get; init; }

    /// <summary>Mean metrics: Σ value². Ratio metrics: Σ numerator².</summary>
    public double? SumOfSquares { get; init; }

    /// <summary>Ratio metrics: Σ denominator.</summary>
    public double? DenominatorSum { get; init; }

    /// <summary>Ratio metrics: Σ denominator².</summary>
    public double? DenominatorSumOfSquares { get; init; }

    /// <summary>Ratio metrics: Σ numerator·denominator.</summary>
    public double? NumeratorDenominatorProducts { get; init; }

    /// <summary>CUPED: Σ covariate (for ratios: Σ pre-period numerator).</summary>
    public double? CovariateSum { get; init; }

    /// <summary>CUPED: Σ covariate² (for ratios: Σ pre-period numerator²).</summary>
    public double? CovariateSumOfSquares { get; init; }

    /// <summary>CUPED: Σ value·covariate (for ratios: Σ numerator·pre-period numerator).</summary>
    public double? ValueCovariateProducts { get; init; }

    /// <summary>CUPED on ratios: Σ pre-period denominator.</summary>
    public double? CovariateDenominatorSum { get; init; }

    /// <summary>CUPED on ratios: Σ pre-period denominator².</summary>
    public double? CovariateDenominatorSumOfSquares { get; init; }

    /// <summary>CUPED on ratios: Σ pre-period numerator·pre-period denominator.</summary>
    public double? CovariateNumeratorDenominatorProducts { get; init; }

    /// <summary>CUPED on ratios: Σ numerator·pre-period denominator.</summary>
    public double? NumeratorCovariateDenominatorProducts { get; init; }

    /// <summary>CUPED on ratios: Σ denominator·pre-period numerator.</summary>
    public double? DenominatorCovariateProducts { get; init; }

    /// <summary>CUPED on ratios: Σ denominator·pre-period denominator.</summary>
    public double? DenominatorCovariateDenominatorProducts { get; init; }
}
