namespace Tailor.Core.Experiments;

/// <summary>The first exposure of a profile to an experiment: the arm it was served and when.</summary>
public sealed record Exposure(string ExperimentKey, string ProfileId, string Arm, DateTimeOffset At);
