using Tailor.Core.Storage;

namespace Tailor.Core.Experiments;

/// <summary>
/// What one step of the experiments follower commits, in one transaction with its position: units written (inserted or
/// replaced with their values), units removed (merged away), and what each changes in its arm's sums, so a read of the
/// results is a read of a few rows per arm.
/// </summary>
/// <param name="ArmDeltas">Per (experiment, metric, arm): what to add to each of the <see cref="ArmSums.VectorLength"/> sums.</param>
/// <param name="UnitDeltas">Per (experiment, arm): units and merged-changed units to add.</param>
public sealed record TallyCommit(IReadOnlyList<ExperimentUnit> Upserts, IReadOnlyList<(string ExperimentKey, string ProfileId)> Removals,
    IReadOnlyDictionary<(string ExperimentKey, string Metric, string Arm), double[]> ArmDeltas,
    IReadOnlyDictionary<(string ExperimentKey, string Arm), (long Units, long Changed)> UnitDeltas, PositionMove Position)
{
    /// <summary>Events set aside instead of processed; stored in the same transaction.</summary>
    public IReadOnlyList<DeadLetter> DeadLetters { get; init; } = [];

    /// <summary>A step that changes no unit or sum: only the position moves.</summary>
    public static TallyCommit Nothing(PositionMove position) =>
        new([], [], new Dictionary<(string, string, string), double[]>(), new Dictionary<(string, string), (long, long)>(), position);
}
