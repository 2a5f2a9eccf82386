namespace Tailor.Server.Pipeline;

/// <summary>Sleeps until a wake signal, a due moment on the injected clock, or a poll interval of wall time, whichever comes first.</summary>
internal static class ClockWait
{
    /// <summary>Task.Delay takes at most ~24 days; a due moment further away is looked at again after a day.</summary>
    private static readonly TimeSpan Longest = TimeSpan.FromDays(1);

    /// <summary>
    /// Sleeps until woken, until <paramref name="next"/> on <paramref name="time"/>, or for <paramref name="poll"/> of wall
    /// time (the poll looks for work another node or process wrote, which no in-process wake-up announces).
    /// </summary>
    public static async Task UntilAsync(WakeSignal wake, DateTimeOffset? next, TimeSpan poll, TimeProvider time, CancellationToken stoppingToken)
    {
        using var wakeOrTimeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var waits = new List<Task>(3) { wake.WaitAsync(wakeOrTimeout.Token), Task.Delay(poll, TimeProvider.System, wakeOrTimeout.Token) };
        if (next is { } due)
        {
            var untilDue = due - time.GetUtcNow();
            waits.Add(Task.Delay(untilDue < TimeSpan.Zero ? TimeSpan.Zero : untilDue > Longest ? Longest : untilDue, time, wakeOrTimeout.Token));
        }
        await Task.WhenAny(waits);
        await wakeOrTimeout.CancelAsync();
        await Task.WhenAll(waits).ContinueWith(_ => { }, TaskScheduler.Default); // observe the cancelled ones
        stoppingToken.ThrowIfCancellationRequested();
    }
}
