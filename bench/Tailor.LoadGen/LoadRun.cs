using System.Collections.Concurrent;
using System.Diagnostics;

namespace Tailor.LoadGen;

/// <summary>Settings of one run.</summary>
internal sealed record RunSettings(
    string Mode,
    int Connections,
    double Rate,
    int BatchSize,
    double ReadRate,
    TimeSpan Warmup,
    TimeSpan Duration,
    int Users,
    double ZipfExponent,
    int Seed,
    TimeSpan RequestTimeout,
    int MaxInFlight);

/// <summary>
/// Drives one run against a target. Throughput mode: N closed-loop senders. Fixed-rate mode: batches scheduled on a
/// timer (open loop), latency measured from each batch's scheduled send time so a slow server cannot hide its
/// queueing (no coordinated omission), with a profile reader at its own fixed rate beside it.
/// </summary>
internal sealed class LoadRun(TailorTarget target, RunSettings settings)
{
    private readonly LatencyRecorder _ack = new();
    private readonly LatencyRecorder _read = new();
    private readonly ConcurrentDictionary<int, long> _ackStatus = new();
    private readonly ConcurrentDictionary<int, long> _readStatus = new();
    private readonly PerSecondCounter _perSecond = new((int)settings.Duration.TotalSeconds + 2);
    private readonly List<(double Seconds, PipelineStatus Status)> _pipeline = [];
    private readonly bool[] _known = new bool[settings.Users];
    private readonly List<int> _knownList = new(settings.Users);
    private readonly Lock _knownLock = new();
    private long _ackedEvents;
    private long _bytesSent;
    private long _requestsSent;
    private long _lateStarts;
    private Stopwatch _clock = new();

    private double Now => _clock.Elapsed.TotalSeconds;
    private double MeasureFrom => settings.Warmup.TotalSeconds;
    private double MeasureTo => (settings.Warmup + settings.Duration).TotalSeconds;

    public async Task<RunResult> RunAsync(CancellationToken ct)
    {
        var zipf = new Zipf(settings.Users, settings.ZipfExponent);
        using var client = new TailorClient(target, settings.Mode == "throughput" ? settings.Connections + 2 : settings.MaxInFlight + 8, settings.RequestTimeout);
        // A hard stop a little after the planned end: the tool always ends by itself.
        using var hardStop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        hardStop.CancelAfter(settings.Warmup + settings.Duration + settings.RequestTimeout + TimeSpan.FromSeconds(30));
        var token = hardStop.Token;
        // A server that dies mid-run ends the run at once (the report then says so) instead of timing out for minutes.
        _ = target.Exited.ContinueWith(_ => hardStop.Cancel(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

        var ownCpuStart = Process.GetCurrentProcess().TotalProcessorTime;
        _clock = Stopwatch.StartNew();
        using var stopPipeline = CancellationTokenSource.CreateLinkedTokenSource(token);
        var pipelineTask = SamplePipelineAsync(client, stopPipeline.Token);

        if (settings.Mode == "throughput")
        {
            var workers = new Task[settings.Connections];
            for (var i = 0; i < workers.Length; i++)
            {
                var factory = new EventFactory(zipf, new Random(settings.Seed + i));
                workers[i] = Task.Run(() => ClosedLoopAsync(client, factory, token), token);
            }
            await Task.WhenAll(workers);
        }
        else
        {
            var reader = settings.ReadRate > 0 ? Task.Run(() => ReaderAsync(client, new Random(settings.Seed + 1000), token), token) : Task.CompletedTask;
            await Task.Run(() => OpenLoopAsync(client, new EventFactory(zipf, new Random(settings.Seed)), token), token);
            await reader;
        }
        var elapsed = Now;
        await stopPipeline.CancelAsync();
        await pipelineTask;
        var last = await client.PipelineAsync(token);
        if (last is not null) lock (_pipeline) _pipeline.Add((Now, last));
        var ownCpu = (Process.GetCurrentProcess().TotalProcessorTime - ownCpuStart).TotalSeconds;

        return new RunResult(settings, target, _ack.Summarize(), _read.Summarize(),
            new Dictionary<int, long>(_ackStatus), new Dictionary<int, long>(_readStatus),
            Interlocked.Read(ref _ackedEvents), Interlocked.Read(ref _requestsSent), Interlocked.Read(ref _bytesSent), Interlocked.Read(ref _lateStarts),
            _perSecond.FullSeconds((int)settings.Duration.TotalSeconds), [.. _pipeline], target.Samples(), ownCpu / elapsed);
    }

    private async Task ClosedLoopAsync(TailorClient client, EventFactory factory, CancellationToken ct)
    {
        using var owned = factory;
        var ranks = new int[settings.BatchSize];
        while (!ct.IsCancellationRequested && Now < MeasureTo)
        {
            var body = factory.Batch(settings.BatchSize, DateTimeOffset.UtcNow, ranks);
            var sent = Now;
            Interlocked.Add(ref _bytesSent, body.Length);
            var status = await client.SendBatchAsync(body, ct);
            Record(status, sent, ranks);
        }
    }

    private async Task OpenLoopAsync(TailorClient client, EventFactory factory, CancellationToken ct)
    {
        using var owned = factory;
        var interval = settings.BatchSize / settings.Rate;
        using var slots = new SemaphoreSlim(settings.MaxInFlight);
        var inFlight = new List<Task>();
        for (long i = 0; !ct.IsCancellationRequested; i++)
        {
            var scheduled = i * interval;
            if (scheduled >= MeasureTo) break;
            var ranks = new int[settings.BatchSize];
            var body = factory.Batch(settings.BatchSize, DateTimeOffset.UtcNow, ranks).ToArray();
            await WaitUntilAsync(scheduled, ct);
            if (!await slots.WaitAsync(0, ct))
            {
                Interlocked.Increment(ref _lateStarts); // the server is behind by MaxInFlight requests; the wait still counts in latency
                await slots.WaitAsync(ct);
            }
            Interlocked.Add(ref _bytesSent, body.Length);
            inFlight.Add(SendAsync());
            if (inFlight.Count > 4096) inFlight.RemoveAll(t => t.IsCompleted);

            async Task SendAsync()
            {
                try
                {
                    var status = await client.SendBatchAsync(body, ct);
                    Record(status, scheduled, ranks);
                }
                finally
                {
                    slots.Release();
                }
            }
        }
        await Task.WhenAll(inFlight);
    }

    private void Record(int status, double startedAt, int[] ranks)
    {
        var done = Now;
        Interlocked.Increment(ref _requestsSent);
        _ackStatus.AddOrUpdate(status, 1, (_, n) => n + 1);
        if (status != 200) return;
        RememberUsers(ranks);
        if (startedAt < MeasureFrom || done > MeasureTo + settings.RequestTimeout.TotalSeconds) return;
        _ack.Add((done - startedAt) * 1000);
        if (done <= MeasureTo)
        {
            Interlocked.Add(ref _ackedEvents, ranks.Length);
            _perSecond.Add(done - MeasureFrom, ranks.Length);
        }
    }

    private void RememberUsers(int[] ranks)
    {
        lock (_knownLock)
        {
            foreach (var rank in ranks)
            {
                if (_known[rank]) continue;
                _known[rank] = true;
                _knownList.Add(rank);
            }
        }
    }

    private async Task ReaderAsync(TailorClient client, Random random, CancellationToken ct)
    {
        var interval = 1 / settings.ReadRate;
        using var slots = new SemaphoreSlim(64);
        var inFlight = new List<Task>();
        for (long i = 0; !ct.IsCancellationRequested; i++)
        {
            var scheduled = i * interval;
            if (scheduled >= MeasureTo) break;
            await WaitUntilAsync(scheduled, ct);
            int rank;
            lock (_knownLock)
            {
                if (_knownList.Count == 0) continue;
                rank = _knownList[random.Next(_knownList.Count)];
            }
            await slots.WaitAsync(ct);
            inFlight.Add(ReadAsync(EventFactory.UserId(rank), scheduled));
            if (inFlight.Count > 4096) inFlight.RemoveAll(t => t.IsCompleted);
        }
        await Task.WhenAll(inFlight);

        async Task ReadAsync(string userId, double scheduled)
        {
            try
            {
                var status = await client.LookupAsync(userId, ct);
                _readStatus.AddOrUpdate(status, 1, (_, n) => n + 1);
                if (scheduled >= MeasureFrom && status is 200 or 404) _read.Add((Now - scheduled) * 1000);
            }
            finally
            {
                slots.Release();
            }
        }
    }

    private async Task SamplePipelineAsync(TailorClient client, CancellationToken ct)
    {
        // Every 5 s: /api/pipeline counts profiles, which is not free, so it is sampled sparingly.
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(5));
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                if (await client.PipelineAsync(ct) is { } status)
                    lock (_pipeline) _pipeline.Add((Now, status));
            }
        }
        catch (OperationCanceledException) { }
    }

    /// <summary>Sleeps until <paramref name="seconds"/> on the run clock; the last millisecond is spun for precision.</summary>
    private async Task WaitUntilAsync(double seconds, CancellationToken ct)
    {
        while (true)
        {
            var remaining = seconds - Now;
            if (remaining <= 0) return;
            if (remaining > 0.002) await Task.Delay(TimeSpan.FromSeconds(remaining - 0.001), ct);
            else Thread.SpinWait(50);
        }
    }
}
