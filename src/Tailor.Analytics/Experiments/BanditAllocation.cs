namespace Tailor.Analytics.Experiments;

/// <summary>The traffic shares Thompson sampling gives each arm, and the holdout's share; all shares sum to 1.</summary>
/// <param name="Method">The method in words.</param>
/// <param name="Weights">Each arm's share of all traffic, in input order.</param>
/// <param name="ProbabilityBest">Each arm's estimated posterior probability of having the highest rate.</param>
/// <param name="HoldoutShare">The holdout's share of all traffic.</param>
public sealed record BanditAllocation(string Method, IReadOnlyList<double> Weights, IReadOnlyList<double> ProbabilityBest, double HoldoutShare);
