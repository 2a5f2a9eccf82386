using Tailor.Core.Pipeline;
using Tailor.Core.Segments;
using Tailor.Core.Storage;

namespace Tailor.Server.DeadLetters;

/// <summary>
/// Replays an event the profile pipeline set aside: folds it into its profile through the normal path (marked replayed
/// in the same commit), then re-evaluates that profile's segments, since the segment engine is already past the event.
/// </summary>
public sealed class ProfileReplayer(ProfilePipeline pipeline, SegmentEngine segments) : IDeadLetterReplayer
{
    public string Stage => ProfilePipeline.Stage;

    public async Task<DeadLetterReplayResult> ReplayAsync(DeadLetter letter, CancellationToken cancellationToken)
    {
        var changed = await pipeline.ReplayAsync(letter, cancellationToken);
        var live = changed.Where(p => p.MergedInto is null).Select(p => p.Id).ToList();
        var memberships = await segments.ReevaluateAsync(live, cancellationToken);
        return new DeadLetterReplayResult($"event {letter.Key} folded into {(live.Count == 0 ? "no profile" : string.Join(", ", live))}; {memberships.Count} segment changes", Marked: true);
    }
}
