namespace Tailor.Analytics.Experiments;

/// <summary>One arm of a bandit: its name, the units that converted and the units shown it (outside the holdout).</summary>
public sealed record BanditArm(string Name, long Successes, long Trials);
