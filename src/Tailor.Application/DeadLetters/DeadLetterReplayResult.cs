namespace Tailor.Application.DeadLetters;

/// <summary>What a replay did.</summary>
/// <param name="Note">In words, kept on the entry (e.g. "appended again as replay-7-m1").</param>
public sealed record DeadLetterReplayResult(string Note);
