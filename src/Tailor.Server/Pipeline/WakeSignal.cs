namespace Tailor.Server.Pipeline;

/// <summary>
/// Wakes a background loop: any number of <see cref="Set"/> calls while it works collapse into one wake-up,
/// so a burst of commits costs one extra pass, not one per commit.
/// </summary>
public sealed class WakeSignal : IDisposable
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Set()
    {
        if (_signal.CurrentCount > 0) return;
        try { _signal.Release(); }
        catch (SemaphoreFullException) { } // set by another thread meanwhile
    }

    /// <summary>Waits for <see cref="Set"/> or the timeout, whichever comes first.</summary>
    public Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _signal.WaitAsync(timeout, cancellationToken);

    /// <summary>Waits for <see cref="Set"/> only.</summary>
    public Task WaitAsync(CancellationToken cancellationToken) => _signal.WaitAsync(cancellationToken);

    public void Dispose() => _signal.Dispose();
}
