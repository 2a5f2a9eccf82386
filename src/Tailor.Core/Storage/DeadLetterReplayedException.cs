namespace Tailor.Core.Storage;

/// <summary>A replay found its dead letter already replayed (or gone); whatever it was to write was rolled back.</summary>
public sealed class DeadLetterReplayedException(long id) : InvalidOperationException($"dead letter {id} was already replayed")
{
    public long Id { get; } = id;
}
