namespace Tailor.Server.DeadLetters;

/// <summary>What a replay did.</summary>
/// <param name="Note">In words, kept on the entry (e.g. "folded into profile prf_…").</param>
/// <param name="Marked">The replayer already marked the entry replayed, atomically with its effect.</param>
public sealed record DeadLetterReplayResult(string Note, bool Marked = false);
