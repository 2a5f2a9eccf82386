using MathNet.Numerics.Distributions;

namespace Tailor.Analytics.Experiments;

/// <summary>
/// Thompson-sampling allocation for many-variant content: each arm's rate has posterior Beta(a + successes, b + failures);
/// the probability that an arm is best is estimated from <see cref="BanditOptions.Draws"/> seeded joint draws (Monte
/// Carlo, reproducible by seed); the non-holdout traffic is split in proportion to it with a floor per arm,
/// wᵢ = (1 − h)·(f + (1 − k·f)·P(best)ᵢ), and the holdout h keeps measuring without personalization.
/// </summary>
public static class ThompsonSampling
{
    public const int MaxArms = 50;
    public const int MaxDraws = 1_000_000;

    /// <summary>The first problem with the input, or null.</summary>
    public static InputProblem? Validate(IReadOnlyList<BanditArm> arms, BanditOptions options)
    {
        if (arms.Count is < 2 or > MaxArms) return new("arms", $"must list between 2 and {MaxArms} arms");
        for (int i = 0; i < arms.Count; i++)
            if (arms[i].Trials < 0 || arms[i].Successes < 0 || arms[i].Successes > arms[i].Trials) return new($"arms[{i}].successes", "must be between 0 and trials");
        if (!(options.HoldoutShare >= 0 && options.HoldoutShare < 1)) return new("holdoutShare", "must be at least 0 and below 1");
        if (!(options.MinimumShare >= 0 && options.MinimumShare * arms.Count <= 1)) return new("minimumShare", "must be at least 0 and at most 1 / arms");
        if (options.Draws is < 100 or > MaxDraws) return new("draws", $"must be between 100 and {MaxDraws}");
        if (!(options.Prior.Alpha > 0 && options.Prior.Beta > 0)) return new("prior", "alpha and beta must be positive");
        return null;
    }

    /// <summary>Allocates traffic for valid input (see <see cref="Validate"/>).</summary>
    public static BanditAllocation Allocate(IReadOnlyList<BanditArm> arms, BanditOptions options)
    {
        if (Validate(arms, options) is { } problem) throw new ArgumentException($"{problem.Field} {problem.Rule}", nameof(arms));
        int k = arms.Count;
        var random = new Random(options.Seed);
        var wins = new long[k];
        var a = new double[k];
        var b = new double[k];
        for (int i = 0; i < k; i++)
        {
            a[i] = options.Prior.Alpha + arms[i].Successes;
            b[i] = options.Prior.Beta + arms[i].Trials - arms[i].Successes;
        }
        for (int d = 0; d < options.Draws; d++)
        {
            int best = 0;
            double bestValue = double.NegativeInfinity;
            for (int i = 0; i < k; i++)
            {
                double x = Beta.Sample(random, a[i], b[i]);
                if (x > bestValue)
                {
                    bestValue = x;
                    best = i;
                }
            }
            wins[best]++;
        }
        var probability = new double[k];
        var weights = new double[k];
        double h = options.HoldoutShare, f = options.MinimumShare;
        for (int i = 0; i < k; i++)
        {
            probability[i] = (double)wins[i] / options.Draws;
            weights[i] = (1 - h) * (f + (1 - k * f) * probability[i]);
        }
        string method = $"Thompson sampling, Beta({options.Prior.Alpha:G4}, {options.Prior.Beta:G4}) priors, {options.Draws:N0} seeded draws (seed {options.Seed}), floor {f:P0} per arm, holdout {h:P0}";
        return new BanditAllocation(method, weights, probability, h);
    }
}
