namespace Tailor.Core.Storage;

/// <summary>
/// Where background stages set aside what they cannot process (<see cref="DeadLetter"/>), to be listed, inspected and
/// replayed. Writing an entry never fails on its content: text the database cannot hold (NUL, lone UTF-16
/// surrogates) is stored with U+FFFD in its place.
/// </summary>
public interface IDeadLetterStore
{
    /// <summary>Stores a new entry (its <see cref="DeadLetter.Id"/> ignored); returns it with its id.</summary>
    Task<DeadLetter> AddDeadLetterAsync(DeadLetter entry, CancellationToken cancellationToken);

    Task<DeadLetter?> GetDeadLetterAsync(long id, CancellationToken cancellationToken);

    /// <summary>Entries matching <paramref name="query"/>, newest (highest id) first.</summary>
    Task<IReadOnlyList<DeadLetter>> ListDeadLettersAsync(DeadLetterQuery query, CancellationToken cancellationToken);

    /// <summary>Pending entries per stage (stages without any are left out).</summary>
    Task<IReadOnlyDictionary<string, long>> PendingDeadLettersAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Marks a pending entry replayed; false when it was already replayed (or does not exist), so a replay that
    /// marks last is applied once even when two replays race.
    /// </summary>
    Task<bool> MarkDeadLetterReplayedAsync(long id, DateTimeOffset at, string note, CancellationToken cancellationToken);
}
