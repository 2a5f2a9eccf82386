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
    int MaxInFlight,
    int Drain = 0,
    bool Probe = false,
    int SeedEvents = 100_000);

/// <summary>
/// Drives one run against a target. Throughput mode: N closed-loop senders. Fixed-rate mode: batches scheduled on a
/// timer (open loop), latency measured from each batch's scheduled send time so a slow server cannot hide its
/// queueing (no coordinated omission), with a profile reader at its own fixed rate beside it. Reads mode: the store is
/// seeded with events first (not measured), then N closed-loop readers look up profiles with no ingestion beside them,
/// so what a read costs is measured alone.
/// </summary>
internal sealed class LoadRun(TailorTarget target, RunSettings settings)
{
    private readonly LatencyRecorder _ack = new();
    private readonly LatencyRecorder _read = new();
    private readonly LatencyRecorder _lateness = new(); // scheduled sends (batches and reads): how late each went
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
    private long _measuredReads;
    private int _windowFirstSample, _windowEndSample = int.MaxValue; // the server's resource samples that span the measured window
    private long _seedRetries;
    private Stopwatch _clock = new();

    private double Now => _clock.Elapsed.TotalSeconds;
    private double MeasureFrom => settings.Warmup.TotalSeconds;
    private double MeasureTo => (settings.Warmup + settings.Duration).TotalSeconds;

    public async Task<RunResult> RunAsync(CancellationToken ct)
    {
        var zipf = new Zipf(settings.Users, settings.ZipfExponent);
        using var client = new TailorClient(target, settings.Mode is "throughput" or "reads" ? settings.Connections + 2 : settings.MaxInFlight + 8, settings.RequestTimeout);
        // A hard stop a little after the planned end: the tool always ends by itself.
        using var hardStop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var runTime = settings.Warmup + settings.Duration + settings.RequestTimeout + TimeSpan.FromSeconds(30);
        hardStop.CancelAfter(settings.Mode == "reads" ? runTime + TimeSpan.FromMinutes(20) : runTime); // reads: seeding first
        var token = hardStop.Token;
        // A server that dies mid-run ends the run at once (the report then says so) instead of timing out for minutes.
        _ = target.Exited.ContinueWith(_ => hardStop.Cancel(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

        await using var probe = settings.Probe ? new MembershipProbe(target) : null;
        if (probe is not null) await probe.StartAsync(ct);
        var ownCpuStart = Process.GetCurrentProcess().TotalProcessorTime;
        _clock = Stopwatch.StartNew();
        using var stopPipeline = CancellationTokenSource.CreateLinkedTokenSource(token);
        var pipelineTask = SamplePipelineAsync(client, stopPipeline.Token);
        var probeTask = probe is null ? Task.CompletedTask : Task.Run(() => probe.RunAsync(() => Now, MeasureFrom, MeasureTo, token), CancellationToken.None);
        var windowTask = settings.Mode == "reads" ? Task.CompletedTask : MarkWindowAsync(token);

        // Overload must not end the run without a report: every loop stops quietly at the hard stop and what it saw
        // is kept (requests still outstanding then are counted as abandoned).
        try
        {
            if (settings.Mode == "throughput")
            {
                var workers = new Task[settings.Connections];
                for (var i = 0; i < workers.Length; i++)
                {
                    var factory = new EventFactory(zipf, new Random(settings.Seed + i));
                    workers[i] = Task.Run(() => ClosedLoopAsync(client, factory, token), CancellationToken.None);
                }
                await Task.WhenAll(workers);
            }
            else if (settings.Mode == "reads")
            {
                await SeedAsync(client, zipf, token);
                // The measured window starts now: the clock, and the server's CPU samples, from the first read on.
                _clock.Restart();
                windowTask = MarkWindowAsync(token);
                hardStop.CancelAfter(runTime);
                var readers = new Task[settings.Connections];
                for (var i = 0; i < readers.Length; i++)
                {
                    var random = new Random(settings.Seed + 1000 + i);
                    readers[i] = Task.Run(() => ClosedReadLoopAsync(client, random, token), CancellationToken.None);
                }
                await Task.WhenAll(readers);
            }
            else
            {
                var reader = settings.ReadRate > 0 ? Task.Run(() => ReaderAsync(client, new Random(settings.Seed + 1000), token), CancellationToken.None) : Task.CompletedTask;
                await Task.Run(() => OpenLoopAsync(client, new EventFactory(zipf, new Random(settings.Seed)), token), CancellationToken.None);
                await reader;
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            HardStopped = true;
        }
        await probeTask;
        await windowTask;
        HardStopped |= hardStop.IsCancellationRequested;
        var elapsed = Now;
        await stopPipeline.CancelAsync();
        await pipelineTask;
        var last = await client.PipelineAsync(CancellationToken.None);
        if (last is not null) lock (_pipeline) _pipeline.Add((Now, last));
        var ownCpu = (Process.GetCurrentProcess().TotalProcessorTime - ownCpuStart).TotalSeconds;
        var drained = await DrainAsync(client, last, ct);

        return new RunResult(settings, target, _ack.Summarize(), _read.Summarize(), _lateness.Summarize(),
            new Dictionary<int, long>(_ackStatus), new Dictionary<int, long>(_readStatus),
            Interlocked.Read(ref _ackedEvents), Interlocked.Read(ref _requestsSent), Interlocked.Read(ref _bytesSent), Interlocked.Read(ref _lateStarts),
            _perSecond.FullSeconds((int)settings.Duration.TotalSeconds), [.. _pipeline], WindowSamples(), ownCpu / elapsed)
        {
            HardStopped = HardStopped, Drain = drained, Probe = probe is null ? null : (probe.Latency.Summarize(), probe.Missed),
            MeasuredReads = Interlocked.Read(ref _measuredReads), SeedRetries = Interlocked.Read(ref _seedRetries),
        };
    }

    /// <summary>
    /// Notes which of the server's resource samples (one a second) fall in the measured window, so its CPU and RSS rows
    /// leave out the warm-up and whatever the server does after the window (answering late requests, the drain).
    /// </summary>
    private async Task MarkWindowAsync(CancellationToken ct)
    {
        try
        {
            await WaitUntilAsync(MeasureFrom, ct);
            _windowFirstSample = Math.Max(0, target.Samples().Count - 1); // the last sample before the window opened
            await WaitUntilAsync(MeasureTo, ct);
            _windowEndSample = target.Samples().Count + 1; // and the first one after it closed
        }
        catch (OperationCanceledException) { _windowEndSample = Math.Min(_windowEndSample, target.Samples().Count + 1); } // the hard stop closes the window
    }

    private ResourceSample[] WindowSamples() =>
        [.. target.Samples().Take(_windowEndSample).Skip(_windowFirstSample)];

    /// <summary>True when the hard stop (warm-up + duration + timeout + 30 s) ended the run.</summary>
    public bool HardStopped { get; private set; }

    /// <summary>
    /// After the load: polls the pipeline every second for up to <see cref="RunSettings.Drain"/> seconds until its lag
    /// is 0, so a run says how long profiles took to catch up with everything acknowledged.
    /// </summary>
    private async Task<DrainResult?> DrainAsync(TailorClient client, PipelineStatus? last, CancellationToken ct)
    {
        if (settings.Drain <= 0 || last is null || target.HasExited) return null;
        var start = Now;
        var lagAtStart = last.Lag;
        while (last is not null && last.Lag > 0 && Now - start < settings.Drain && !ct.IsCancellationRequested && !target.HasExited)
        {
            try { await Task.Delay(1000, ct); }
            catch (OperationCanceledException) { break; }
            last = await client.PipelineAsync(CancellationToken.None) ?? last;
        }
        return new DrainResult(lagAtStart, last?.Lag ?? lagAtStart, Now - start);
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



    /// <summary>
    /// Reads mode's setup: closed-loop senders until <see cref="RunSettings.SeedEvents"/> events are acknowledged, then
    /// a wait until the profile pipeline has folded them all, so the reads that follow find every profile complete.
    /// </summary>
    private async Task SeedAsync(TailorClient client, Zipf zipf, CancellationToken ct)
    {
        long remaining = settings.SeedEvents;
        var senders = new Task[settings.Connections];
        for (var i = 0; i < senders.Length; i++)
        {
            var factory = new EventFactory(zipf, new Random(settings.Seed + i));
            senders[i] = Task.Run(async () =>
            {
                using var owned = factory;
                var ranks = new int[settings.BatchSize];
                while (!ct.IsCancellationRequested && Interlocked.Add(ref remaining, -settings.BatchSize) > -settings.BatchSize)
                {
                    var body = factory.Batch(settings.BatchSize, DateTimeOffset.UtcNow, ranks);
                    int status;
                    while ((status = await client.SendBatchAsync(body, ct)) == 503)
                    {
                        // The server's queue is full (it says so with 503): seeding goes at the speed it can take.
                        Interlocked.Increment(ref _seedRetries);
                        await Task.Delay(TimeSpan.FromMilliseconds(200), ct);
                    }
                    if (status != 200) throw new InvalidOperationException($"A seeding batch was refused with status {status}; see the server log.");
                    RememberUsers(ranks);
                }
            }, CancellationToken.None);
        }
        await Task.WhenAll(senders);
        var started = Stopwatch.StartNew();
        while (await client.PipelineAsync(ct) is not { Lag: 0 })
        {
            if (started.Elapsed > TimeSpan.FromMinutes(10)) throw new TimeoutException("The profile pipeline did not catch up with the seeded events within 10 minutes.");
            await Task.Delay(500, ct);
        }
        Console.WriteLine($"seeded {settings.SeedEvents:N0} events ({_knownList.Count:N0} users; {Interlocked.Read(ref _seedRetries):N0} batches sent again after a 503), folded after {started.Elapsed.TotalSeconds:0.0} s");
    }

    private async Task ClosedReadLoopAsync(TailorClient client, Random random, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested && Now < MeasureTo)
        {
            int rank;
            lock (_knownLock) rank = _knownList[random.Next(_knownList.Count)];
            var started = Now;
            var status = await client.LookupAsync(EventFactory.UserId(rank), ct);
            var done = Now;
            _readStatus.AddOrUpdate(status, 1, (_, n) => n + 1);
            if (status == TailorClient.Abandoned) HardStopped = true;
            if (status != 200 || started < MeasureFrom || done > MeasureTo) continue;
            _read.Add((done - started) * 1000);
            Interlocked.Increment(ref _measuredReads);
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
            try
            {
                await WaitUntilAsync(scheduled, ct);
                RecordLateness(scheduled);
                if (!await slots.WaitAsync(0, ct))
                {
                    Interlocked.Increment(ref _lateStarts); // the server is behind by MaxInFlight requests; the wait still counts in latency
                    await slots.WaitAsync(ct);
                }
            }
            catch (OperationCanceledException) { break; } // the hard stop: report what was seen
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
        if (status == TailorClient.Abandoned) HardStopped = true;
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
            try { await WaitUntilAsync(scheduled, ct); }
            catch (OperationCanceledException) { break; }
            int rank;
            lock (_knownLock)
            {
                if (_knownList.Count == 0) continue;
                rank = _knownList[random.Next(_knownList.Count)];
            }
            RecordLateness(scheduled);
            try { await slots.WaitAsync(ct); }
            catch (OperationCanceledException) { break; }
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
                if (status == TailorClient.Abandoned) HardStopped = true;
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

    /// <summary>
    /// Sleeps until <paramref name="seconds"/> on the run clock, without spinning: on a 2-core machine the load generator
    /// shares the cores with the server, and spinning the last 2 ms before each send took 57–74 % of a core at 500
    /// reads/s, CPU the server's fold then lacked (issue 17, BENCHMARKS.md). The timer sleeps until a few milliseconds
    /// before (its ticks can be that coarse), then the thread sleeps a millisecond at a time: never early, and about a
    /// millisecond late when a core is free. That sleep holds a pool thread; a larger minimum pool made no clear
    /// difference to lateness or read latency (two pairs of 30-s runs), so the pool grows as it needs. Latency is
    /// measured from the scheduled time all the same, and how late each send went is reported on its own
    /// (<see cref="RecordLateness"/>).
    /// </summary>
    private async Task WaitUntilAsync(double seconds, CancellationToken ct)
    {
        const double TimerSlack = 0.005;
        var remaining = seconds - Now;
        if (remaining > TimerSlack) await Task.Delay(TimeSpan.FromSeconds(remaining - TimerSlack), ct);
        while (seconds - Now > 0)
        {
            ct.ThrowIfCancellationRequested();
            Thread.Sleep(1);
        }
    }

    /// <summary>How late a scheduled send in the measured window went: what the load generator adds to every latency it reports.</summary>
    private void RecordLateness(double scheduled)
    {
        if (scheduled >= MeasureFrom) _lateness.Add((Now - scheduled) * 1000);
    }
}

/// <summary>How the pipeline caught up after the load stopped: lag then, lag at the end of the wait, seconds waited.</summary>
internal sealed record DrainResult(long LagAtStop, long LagAtEnd, double Seconds);
