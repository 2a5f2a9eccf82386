namespace Tailor.Server.Pipeline;

/// <summary>Undoes an event subscription when disposed.</summary>
public sealed class Unsubscribe(Action undo) : IDisposable
{
    private Action? _undo = undo;

    public void Dispose() => Interlocked.Exchange(ref _undo, null)?.Invoke();
}
