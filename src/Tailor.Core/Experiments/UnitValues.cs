namespace Tailor.Core.Experiments;

/// <summary>
/// One unit's values of one metric (docs/experiments.md, "Metrics"): y over the window after its first exposure, x the
/// same quantity over the lookback before it (the CUPED covariate), and for a ratio metric d the denominator after and
/// xd the denominator before. The per-arm sums are sums of <see cref="Contribution"/> over the arm's units.
/// </summary>
public readonly record struct UnitValues(double Y, double X, double D, double XD)
{
    /// <summary>What one unit adds to its arm's sums: 1, y, y², x, x², xy, d, d², yd, xd, xd², x·xd, y·xd, d·x, d·xd (<see cref="ArmSums.VectorLength"/> sums).</summary>
    public void Contribution(Span<double> into, double sign)
    {
        into[0] += sign;
        into[1] += sign * Y; into[2] += sign * Y * Y;
        into[3] += sign * X; into[4] += sign * X * X; into[5] += sign * X * Y;
        into[6] += sign * D; into[7] += sign * D * D; into[8] += sign * Y * D;
        into[9] += sign * XD; into[10] += sign * XD * XD; into[11] += sign * X * XD;
        into[12] += sign * Y * XD; into[13] += sign * D * X; into[14] += sign * D * XD;
    }
}
