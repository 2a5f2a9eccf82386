namespace Tailor.Analytics.Experiments;

/// <summary>How Thompson sampling allocates. Defaults in docs/experiments.md ("Bandit allocation").</summary>
public sealed record BanditOptions
{
    /// <summary>Share of all traffic kept in the holdout, which gets no personalization and keeps measuring the baseline. Default 0.1.</summary>
    public double HoldoutShare { get; init; } = 0.1;

    /// <summary>Least share of the non-holdout traffic every arm keeps, so no arm stops being measured. Default 0.01.</summary>
    public double MinimumShare { get; init; } = 0.01;

    /// <summary>Joint posterior draws used to estimate each arm's probability of being best. Default 20,000.</summary>
    public int Draws { get; init; } = 20_000;

    /// <summary>Seed of the random source, so an allocation can be reproduced. Default 0.</summary>
    public int Seed { get; init; }

    /// <summary>Beta prior of each arm's rate. Default Beta(1, 1).</summary>
    public BetaPrior Prior { get; init; } = new(1, 1);
}
