using Tailor.Core.Storage;

namespace Tailor.Application.DeadLetters;

/// <summary>What replaying one dead letter did.</summary>
/// <param name="Status"><c>replayed</c>, <c>already-replayed</c> (nothing done), <c>failed</c> (still pending), <c>not-found</c> or <c>no-replayer</c>.</param>
/// <param name="Letter">The entry after the replay.</param>
/// <param name="Error">Why it failed.</param>
public sealed record DeadLetterReplayOutcome(long Id, string Status, DeadLetter? Letter, string? Error)
{
    public const string Replayed = "replayed";
    public const string AlreadyReplayed = "already-replayed";
    public const string Failed = "failed";
    public const string NotFound = "not-found";
    public const string NoReplayer = "no-replayer";
}
