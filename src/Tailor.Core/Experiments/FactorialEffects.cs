namespace Tailor.Core.Experiments;

/// <summary>
/// Main effects and two-way interactions of a full factorial from per-cell sums (docs/experiments.md, "Multivariate").
/// With m_c the mean of cell c and v_c = s_c²/n_c its variance (for a ratio metric, the delta-method variance of
/// Σy/Σd), every effect is a contrast Σ w_c m_c with variance Σ w_c² v_c:
/// the main effect of level l of factor F is the average of m_c over the cells with F = l minus the average over the
/// cells with F at its baseline (first) level; the interaction of F = a and G = b is, averaged over the other factors,
/// m(a,b) − m(a,0) − m(0,b) + m(0,0).
/// </summary>
public static class FactorialEffects
{
    /// <param name="cells">The generated variants (<see cref="Factorial.Cells"/>), with their levels.</param>
    /// <param name="sums">Per-arm sums; a cell without units makes the effects that use it NaN.</param>
    public static IReadOnlyList<FactorialEffect> Estimate(IReadOnlyList<ExperimentFactor> factors, IReadOnlyList<ExperimentVariant> cells, IReadOnlyList<ArmSums> sums)
    {
        var mean = new double[cells.Count];
        var variance = new double[cells.Count];
        for (var c = 0; c < cells.Count; c++)
        {
            var s = sums.FirstOrDefault(a => a.Arm == cells[c].Key);
            (mean[c], variance[c]) = s is null || s.Units < 2 ? (double.NaN, double.NaN) : MeanAndVariance(s);
        }
        var effects = new List<FactorialEffect>();
        var weights = new double[cells.Count];
        for (var f = 0; f < factors.Count; f++)
            for (var l = 1; l < factors[f].Levels.Count; l++)
            {
                Array.Clear(weights);
                var (level, baseline) = (factors[f].Levels[l], factors[f].Levels[0]);
                var share = 1.0 / (cells.Count / factors[f].Levels.Count);
                for (var c = 0; c < cells.Count; c++)
                {
                    var at = cells[c].Levels![factors[f].Name];
                    if (at == level) weights[c] = share;
                    else if (at == baseline) weights[c] = -share;
                }
                effects.Add(Contrast($"{factors[f].Name}={level}", weights, mean, variance));
            }
        for (var f = 0; f < factors.Count; f++)
            for (var g = f + 1; g < factors.Count; g++)
                for (var a = 1; a < factors[f].Levels.Count; a++)
                    for (var b = 1; b < factors[g].Levels.Count; b++)
                    {
                        Array.Clear(weights);
                        var share = 1.0 / (cells.Count / (factors[f].Levels.Count * factors[g].Levels.Count));
                        for (var c = 0; c < cells.Count; c++)
                        {
                            var (x, y) = (cells[c].Levels![factors[f].Name], cells[c].Levels![factors[g].Name]);
                            var sx = x == factors[f].Levels[a] ? 1 : x == factors[f].Levels[0] ? -1 : 0;
                            var sy = y == factors[g].Levels[b] ? 1 : y == factors[g].Levels[0] ? -1 : 0;
                            weights[c] = sx * sy * share;
                        }
                        effects.Add(Contrast($"{factors[f].Name}={factors[f].Levels[a]}×{factors[g].Name}={factors[g].Levels[b]}", weights, mean, variance));
                    }
        return effects;
    }

    private static FactorialEffect Contrast(string name, double[] weights, double[] mean, double[] variance)
    {
        double estimate = 0, v = 0;
        for (var c = 0; c < weights.Length; c++)
        {
            if (weights[c] == 0) continue;
            estimate += weights[c] * mean[c];
            v += weights[c] * weights[c] * variance[c];
        }
        return double.IsFinite(estimate) && double.IsFinite(v) ? new FactorialEffect(name, estimate, Math.Sqrt(v)) : new FactorialEffect(name, null, null);
    }

    /// <summary>The cell mean and its variance: s²/n with the unbiased s², or for a ratio the delta method.</summary>
    private static (double Mean, double Variance) MeanAndVariance(ArmSums s)
    {
        double n = s.Units;
        var my = s.Sum / n;
        var vy = (s.SumSquares - n * my * my) / (n - 1);
        if (s.DenominatorSum == 0) return (my, vy / n);
        var md = s.DenominatorSum / n;
        var vd = (s.DenominatorSumSquares - n * md * md) / (n - 1);
        var cyd = (s.NumeratorDenominatorCross - n * my * md) / (n - 1);
        var r = my / md;
        return (r, (vy - 2 * r * cyd + r * r * vd) / (n * md * md));
    }
}
