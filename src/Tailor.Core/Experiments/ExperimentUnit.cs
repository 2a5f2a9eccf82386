namespace Tailor.Core.Experiments;

/// <summary>
/// The experiments follower's state of one unit (a live profile in one experiment): its arm and first exposure, whether
/// merged exposures had been to another arm, and its values of each metric by name.
/// </summary>
public sealed record ExperimentUnit(string ExperimentKey, string ProfileId, string Arm, DateTimeOffset FirstAt, bool Changed,
    IReadOnlyDictionary<string, UnitValues> Values);
