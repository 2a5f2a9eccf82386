using Tailor.Core.Storage;

namespace Tailor.Server.DeadLetters;

/// <summary>
/// Puts the dead letters of one stage through that stage again. One is registered per stage (as a singleton
/// <see cref="IDeadLetterReplayer"/>); <see cref="DeadLetterReplays"/> picks it by <see cref="Stage"/>.
/// </summary>
public interface IDeadLetterReplayer
{
    /// <summary>The <see cref="DeadLetter.Stage"/> this replays.</summary>
    string Stage { get; }

    /// <summary>
    /// Processes <paramref name="letter"/> (pending) through the stage again. Throwing leaves it pending and answers
    /// with the error. A replayer that marks the letter replayed inside its own transaction (so the effect and the mark
    /// are one) says so with <see cref="DeadLetterReplayResult.Marked"/>, and throws
    /// <see cref="DeadLetterReplayedException"/> when another replay got there first; otherwise the letter is marked
    /// after it returns.
    /// </summary>
    Task<DeadLetterReplayResult> ReplayAsync(DeadLetter letter, CancellationToken cancellationToken);
}
