using Tailor.Server.Pipeline;

namespace Tailor.Server.Triggers;

/// <summary>Sleeps until a wake signal or a delay measured on the injected clock, whichever comes first.</summary>
internal static class ClockWait
{
    public static async Task WaitAsync(WakeSignal wake, TimeSpan delay, TimeProvider time, CancellationToken stoppingToken)
    {
        using var wakeOrTimeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var woken = wake.WaitAsync(wakeOrTimeout.Token);
        var due = Task.Delay(delay, time, wakeOrTimeout.Token);
        await Task.WhenAny(woken, due);
        await wakeOrTimeout.CancelAsync();
        await Task.WhenAll(woken, due).ContinueWith(_ => { }, TaskScheduler.Default); // observe the cancelled one
        stoppingToken.ThrowIfCancellationRequested();
    }
}
