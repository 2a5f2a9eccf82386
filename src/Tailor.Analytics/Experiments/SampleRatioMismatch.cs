using MathNet.Numerics;

namespace Tailor.Analytics.Experiments;

/// <summary>The sample-ratio-mismatch check: Pearson's χ² goodness of fit of units per arm against the planned allocation.</summary>
public static class SampleRatioMismatch
{
    /// <summary>What usually makes the observed split differ from the planned one; listed when a mismatch is flagged.</summary>
    public static IReadOnlyList<string> LikelyCauses { get; } =
    [
        "assignment changed during the test (allocation edited, experiment key or hashing changed, arms started at different times)",
        "exposure logged unevenly: one arm fails to render, renders later or redirects, so fewer of its exposures are recorded",
        "bots, crawlers or internal traffic filtered differently per arm",
        "identity merges or cross-device moves counted in an arm other than the first exposure's",
        "events dropped or duplicated for one arm in the pipeline (a failing SDK, a broken tracking plan rule)",
        "the audience or targeting differs per arm (a variant only eligible for some users)",
    ];

    /// <summary>χ² = Σ (observed − expected)² / expected with expected = total × weight / Σ weights; p from χ²(arms − 1).</summary>
    public static SampleRatioCheck Check(IReadOnlyList<long> observed, IReadOnlyList<double> weights, double threshold = 0.001)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(observed.Count, weights.Count);
        ArgumentOutOfRangeException.ThrowIfLessThan(observed.Count, 2);
        double total = 0, weightTotal = 0;
        for (int i = 0; i < observed.Count; i++)
        {
            total += observed[i];
            weightTotal += weights[i];
        }
        var expected = new double[observed.Count];
        double chiSquare = 0;
        for (int i = 0; i < observed.Count; i++)
        {
            expected[i] = total * weights[i] / weightTotal;
            if (expected[i] > 0)
                chiSquare += (observed[i] - expected[i]) * (observed[i] - expected[i]) / expected[i];
        }
        int df = observed.Count - 1;
        // The upper regularized gamma keeps precision for tiny p, where 1 − CDF would round to 0.
        double p = total == 0 ? 1 : SpecialFunctions.GammaUpperRegularized(df / 2.0, chiSquare / 2);
        bool mismatch = p < threshold;
        return new SampleRatioCheck(observed, expected, chiSquare, df, p, mismatch, mismatch ? LikelyCauses : []);
    }
}
