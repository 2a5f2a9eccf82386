namespace Tailor.Core.Storage;

/// <summary>Marks dead letter <paramref name="Id"/> replayed at <paramref name="At"/>, with what the replay did.</summary>
public sealed record DeadLetterReplay(long Id, DateTimeOffset At, string Note);
