namespace Tailor.Core.Experiments;

/// <summary>How many units an arm has (each counted once, at its earliest exposure after merges resolve).</summary>
public sealed record ArmExposures(string Arm, long Units);

/// <summary>The units per arm, and how many merged people had been exposed to more than one arm (kept in their earliest).</summary>
public sealed record ExposureSummary(IReadOnlyList<ArmExposures> Arms, long ChangedByMerge);
