namespace Tailor.Analytics.Experiments;

/// <summary>
/// Everything the statistics need about an experiment, as per-arm sufficient statistics: the arms with their planned
/// allocation, which arm is the control, and each metric's sums. Produced from the event log by the experiments
/// feature, or read from a user's JSON / per-user CSV by <c>tailor experiments analyze</c>.
/// </summary>
/// <param name="Control">The name of the control arm; every other arm is compared with it.</param>
/// <param name="Arms">The arms and their planned allocation (the SRM check compares the observed units with it).</param>
/// <param name="Metrics">The metrics; the first is the primary one.</param>
public sealed record ExperimentSums(string Control, IReadOnlyList<ArmAllocation> Arms, IReadOnlyList<MetricSums> Metrics);
