namespace Tailor.Analytics.Experiments;

/// <summary>An arm of the experiment and the share of units it was planned to receive.</summary>
/// <param name="Name">The arm's name, as the metrics' <see cref="ArmSums.Arm"/> refer to it.</param>
/// <param name="Weight">Planned allocation; any positive weights (they are normalised to shares).</param>
public sealed record ArmAllocation(string Name, double Weight);
