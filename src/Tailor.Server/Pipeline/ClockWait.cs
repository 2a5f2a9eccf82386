namespace Tailor.Server.Pipeline;

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

    /// <summary>Sleeps until woken, until <paramref name="next"/> when that comes sooner than <paramref name="longest"/>, or for <paramref name="longest"/>.</summary>
    public static Task UntilAsync(WakeSignal wake, DateTimeOffset? next, TimeSpan longest, TimeProvider time, CancellationToken stoppingToken)
    {
        var wait = longest;
        if (next is { } due)
        {
            var untilDue = due - time.GetUtcNow();
            if (untilDue < wait) wait = untilDue < TimeSpan.Zero ? TimeSpan.Zero : untilDue;
        }
        return WaitAsync(wake, wait, time, stoppingToken);
    }
}
