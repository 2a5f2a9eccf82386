using Tailor.Core.Storage;

namespace Tailor.Application.DeadLetters;

/// <summary>
/// Puts the dead letters of one stage through that stage again. One is registered per stage (as a singleton
/// <see cref="IDeadLetterReplayer"/>); <see cref="DeadLetterReplays"/> picks it by <see cref="Stage"/>.
/// </summary>
public interface IDeadLetterReplayer
{
    /// <summary>The <see cref="DeadLetter.Stage"/> this replays.</summary>
    string Stage { get; }

    /// <summary>
    /// Processes <paramref name="letter"/> (pending) through the stage again; the entry is marked replayed with the
    /// returned note afterwards. Throwing leaves it pending and answers with the error. A replay should be safe to
    /// repeat (a crash between the replay and the mark repeats it): e.g. re-appending an event under a message id
    /// derived from the entry, which the log deduplicates.
    /// </summary>
    Task<DeadLetterReplayResult> ReplayAsync(DeadLetter letter, CancellationToken cancellationToken);
}
