namespace Tailor.Core.Triggers;

/// <summary>
/// A profile's arm of the experiment running on a trigger, as a journey reads it at an <see cref="ExperimentStep"/>.
/// </summary>
/// <param name="Target">Where the arm goes (its variant's <c>value</c>); null for the holdout.</param>
public sealed record JourneyArm(string Experiment, string Arm, string? Target);
