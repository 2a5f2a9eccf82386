namespace Tailor.Analytics.Experiments;

/// <summary>Multiple-comparison adjustments of a family of p-values (as statsmodels' <c>multipletests</c> computes them).</summary>
public static class PValueAdjustment
{
    /// <summary>Adjusts <paramref name="pValues"/> by <paramref name="correction"/>; the result is in input order.</summary>
    public static double[] Adjust(IReadOnlyList<double> pValues, MultipleComparisonCorrection correction) => correction switch
    {
        MultipleComparisonCorrection.Holm => Holm(pValues),
        MultipleComparisonCorrection.BenjaminiHochberg => BenjaminiHochberg(pValues),
        _ => [.. pValues],
    };

    /// <summary>Holm step-down: sorted ascending, p̃₍ᵢ₎ = max over j ≤ i of min(1, (m − j + 1)·p₍ⱼ₎).</summary>
    public static double[] Holm(IReadOnlyList<double> pValues)
    {
        int m = pValues.Count;
        int[] order = Ascending(pValues);
        var adjusted = new double[m];
        double running = 0;
        for (int i = 0; i < m; i++)
        {
            running = Math.Max(running, Math.Min(1, (m - i) * pValues[order[i]]));
            adjusted[order[i]] = running;
        }
        return adjusted;
    }

    /// <summary>Benjamini–Hochberg step-up: sorted ascending, p̃₍ᵢ₎ = min over j ≥ i of min(1, m·p₍ⱼ₎ / j).</summary>
    public static double[] BenjaminiHochberg(IReadOnlyList<double> pValues)
    {
        int m = pValues.Count;
        int[] order = Ascending(pValues);
        var adjusted = new double[m];
        double running = 1;
        for (int i = m - 1; i >= 0; i--)
        {
            running = Math.Min(running, Math.Min(1, m * pValues[order[i]] / (i + 1)));
            adjusted[order[i]] = running;
        }
        return adjusted;
    }

    private static int[] Ascending(IReadOnlyList<double> pValues)
    {
        int[] order = [.. Enumerable.Range(0, pValues.Count)];
        // Stable, so ties keep input order as statsmodels' mergesort does.
        return [.. order.OrderBy(i => pValues[i])];
    }
}
