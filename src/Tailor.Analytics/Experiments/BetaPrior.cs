namespace Tailor.Analytics.Experiments;

/// <summary>A Beta(α, β) prior on each arm's conversion rate for the beta-binomial model; Beta(1, 1) is uniform.</summary>
public sealed record BetaPrior(double Alpha, double Beta);
