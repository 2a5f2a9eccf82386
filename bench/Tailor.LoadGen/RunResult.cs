using System.Globalization;
using System.Text;

namespace Tailor.LoadGen;

/// <summary>What one run measured, and how it is printed: a console table and a markdown block for BENCHMARKS.md.</summary>
internal sealed record RunResult(
    RunSettings Settings,
    TailorTarget Target,
    LatencySummary Ack,
    LatencySummary Read,
    LatencySummary SendLateness,
    IReadOnlyDictionary<int, long> AckStatus,
    IReadOnlyDictionary<int, long> ReadStatus,
    long AckedEvents,
    long Requests,
    long BytesSent,
    long LateStarts,
    long[] PerSecond,
    IReadOnlyList<(double Seconds, PipelineStatus Status)> Pipeline,
    IReadOnlyList<ResourceSample> Resources,
    double LoadGenCpu)
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>The run's hard stop ended it (overload): requests still outstanding were abandoned.</summary>
    public bool HardStopped { get; init; }

    /// <summary>How the pipeline caught up after the load, when a drain was asked for.</summary>
    public DrainResult? Drain { get; init; }

    /// <summary>The store's size on disk after the server stopped (SQLite files; PostgreSQL database size), and the events in its log.</summary>
    public (long Bytes, long Events)? Disk { get; init; }

    /// <summary>2xx of a probe event → its <c>entered</c> on the membership stream, and probes that saw none within 5 s.</summary>
    public (LatencySummary Latency, int Missed)? Probe { get; init; }

    /// <summary>Profile reads answered 200 within the measured window (reads mode).</summary>
    public long MeasuredReads { get; init; }

    /// <summary>Reads mode: seeding batches the server answered 503 (its queue full) and that were sent again.</summary>
    public long SeedRetries { get; init; }

    public double EventsPerSecond => AckedEvents / Settings.Duration.TotalSeconds;

    public double ReadsPerSecond => MeasuredReads / Settings.Duration.TotalSeconds;

    public double MedianPerSecond => Numbers.Median([.. PerSecond.Select(x => (double)x)]);

    public List<(string Metric, string Value)> Rows(string store)
    {
        var s = Settings;
        if (s.Mode == "reads") return ReadRows(store);
        var rows = new List<(string, string)>
        {
            ("store", store),
            ("mode", s.Mode == "throughput"
                ? F($"max throughput, {s.Connections} connections, batches of {s.BatchSize}")
                : F($"fixed rate {s.Rate:0} events/s (batches of {s.BatchSize}, open loop), reads {s.ReadRate:0}/s")),
            ("duration", F($"{s.Duration.TotalSeconds:0} s measured after {s.Warmup.TotalSeconds:0} s warm-up")),
            ("users", F($"{s.Users:N0}, Zipf s={s.ZipfExponent}")),
            ("avg request body", Requests == 0 ? "-" : F($"{BytesSent / (double)Requests / 1024:0.0} KB ({BytesSent / (double)Requests / s.BatchSize:0} B/event)")),
            ("events acknowledged/s (mean)", F($"{EventsPerSecond:N0}")),
            ("events acknowledged/s (median of 1 s buckets)", F($"{MedianPerSecond:N0} (min {(PerSecond.Length == 0 ? 0 : PerSecond.Min()):N0}, max {(PerSecond.Length == 0 ? 0 : PerSecond.Max()):N0})")),
            (s.Mode == "throughput" ? "request latency p50/p90/p99/max (closed loop)" : "ack latency p50/p90/p99/max (from scheduled send)",
                F($"{Ack.P50:0.0} / {Ack.P90:0.0} / {Ack.P99:0.0} / {Ack.Max:0.0} ms ({Ack.Count:N0} requests)")),
            ("batch responses", TailorClient.Status(AckStatus)),
        };
        if (s.Mode != "throughput")
        {
            rows.Add(("late starts (MaxInFlight reached)", LateStarts.ToString(Inv)));
            rows.Add(("sends after their scheduled time p50/p99/max", SendLateness.Count == 0 ? "-"
                : F($"{SendLateness.P50:0.00} / {SendLateness.P99:0.00} / {SendLateness.Max:0.0} ms ({SendLateness.Count:N0} batches and reads; in every latency above and below)")));
            rows.Add(("profile read p50/p90/p99/max", Read.Count == 0 ? "-" : F($"{Read.P50:0.00} / {Read.P90:0.00} / {Read.P99:0.00} / {Read.Max:0.0} ms ({Read.Count:N0} reads)")));
            rows.Add(("read responses", TailorClient.Status(ReadStatus)));
        }
        if (HardStopped) rows.Add(("ended by the hard stop", "yes: the server was overloaded; requests outstanding then were abandoned (counted above)"));
        if (Probe is { } probe)
            rows.Add(("membership visible (2xx → SSE entered) p50/p90/p99/max", probe.Latency.Count == 0 ? F($"- ({probe.Missed} probes missed)")
                : F($"{probe.Latency.P50:0.0} / {probe.Latency.P90:0.0} / {probe.Latency.P99:0.0} / {probe.Latency.Max:0.0} ms ({probe.Latency.Count:N0} probes, {probe.Missed} missed within 5 s)")));
        rows.AddRange(PipelineRows());
        if (Disk is { } disk && disk.Events > 0)
        {
            // A run whose fold fell behind wrote less profile state: its bytes are not comparable with one that kept up.
            var lag = Drain?.LagAtEnd ?? (Pipeline.Count > 0 ? Pipeline[^1].Status.Lag : 0);
            var folded = Math.Clamp((disk.Events - lag) / (double)disk.Events, 0, 1);
            rows.Add(("bytes per event on disk", F($"{disk.Bytes / (double)disk.Events:N0} B ({disk.Bytes / 1048576.0:N1} MB for {disk.Events:N0} events: log, indexes, profiles; {folded:0%} of the events folded at the end)")));
        }
        rows.AddRange(ResourceRows());
        rows.Add(("load generator CPU", F($"{LoadGenCpu * 100:0}% of one core")));
        return rows;
    }

    private List<(string Metric, string Value)> ReadRows(string store)
    {
        var s = Settings;
        var rows = new List<(string, string)>
        {
            ("store", store),
            ("mode", F($"profile reads alone, {s.Connections} closed-loop readers, after {s.SeedEvents:N0} seeded events (batches of {s.BatchSize}) were folded; {SeedRetries:N0} seeding batches sent again after a 503")),
            ("duration", F($"{s.Duration.TotalSeconds:0} s measured after {s.Warmup.TotalSeconds:0} s warm-up")),
            ("users", F($"{s.Users:N0}, Zipf s={s.ZipfExponent}; reads pick a seeded user uniformly")),
            ("profile reads/s", F($"{ReadsPerSecond:N0}")),
            ("profile read p50/p90/p99/max", Read.Count == 0 ? "-" : F($"{Read.P50:0.00} / {Read.P90:0.00} / {Read.P99:0.00} / {Read.Max:0.0} ms ({Read.Count:N0} reads)")),
            ("read responses", TailorClient.Status(ReadStatus)),
        };
        if (HardStopped) rows.Add(("ended by the hard stop", "yes: reads outstanding then were abandoned (counted above)"));
        rows.AddRange(ResourceRows());
        rows.Add(("load generator CPU", F($"{LoadGenCpu * 100:0}% of one core")));
        return rows;
    }

    private IEnumerable<(string, string)> PipelineRows()
    {
        var from = Settings.Warmup.TotalSeconds;
        var to = (Settings.Warmup + Settings.Duration).TotalSeconds + 1;
        var window = Pipeline.Where(p => p.Seconds >= from && p.Seconds <= to).ToList();
        if (window.Count >= 2)
        {
            var (a, b) = (window[0], window[^1]);
            var rate = (b.Status.PipelinePosition - a.Status.PipelinePosition) / (b.Seconds - a.Seconds);
            yield return ("profile pipeline events/s (during run)", F($"{rate:N0}"));
        }
        if (Pipeline.Count > 0)
        {
            var last = Pipeline[^1].Status;
            var ackRate = Math.Max(1, EventsPerSecond);
            yield return ("pipeline lag at end / max", F($"{last.Lag:N0} / {Pipeline.Max(p => p.Status.Lag):N0} events ({last.Lag / ackRate:0.0} s of acknowledged events at the end)"));
            yield return ("profiles at end", F($"{last.Profiles:N0}"));
            if (window.Count >= 2)
            {
                // The figure of "sustained": events the pipeline folded per second while the load ran, counted from the log start.
                var folded = window[^1].Status.PipelinePosition - window[0].Status.PipelinePosition;
                var logged = window[^1].Status.LogPosition - window[0].Status.LogPosition;
                yield return ("profiles kept up with (folded / logged in the window)", F($"{folded:N0} / {logged:N0} events ({(logged == 0 ? 0 : 100.0 * folded / logged):0}%)"));
            }
        }
        if (Drain is { } d)
        {
            yield return ("pipeline after the load stopped", d.LagAtEnd == 0
                ? F($"caught up in {d.Seconds:0.0} s (lag was {d.LagAtStop:N0})")
                : F($"still {d.LagAtEnd:N0} behind after {d.Seconds:0} s (lag was {d.LagAtStop:N0})"));
        }
    }

    private IEnumerable<(string, string)> ResourceRows()
    {
        var samples = Resources; // already the measured window's (LoadRun.MarkWindowAsync)
        if (samples.Count < 2) yield break;
        var rss = samples.Select(r => r.RssMb).ToList();
        var minutes = samples.Select(r => (r.Seconds / 60, r.RssMb)).ToList();
        var secondHalf = minutes.Skip(minutes.Count / 2).ToList();
        yield return ("server RSS start / median / end / max", F($"{rss[0]:0} / {Numbers.Median(rss):0} / {rss[^1]:0} / {rss.Max():0} MB"));
        yield return ("server RSS slope (whole run / second half)", F($"{Numbers.Slope(minutes):+0.0;-0.0} / {Numbers.Slope(secondHalf):+0.0;-0.0} MB/min"));
        var cpu = (samples[^1].CpuSeconds - samples[0].CpuSeconds) / (samples[^1].Seconds - samples[0].Seconds);
        yield return ("server CPU", F($"{cpu * 100:0}% of one core (machine has {Environment.ProcessorCount})"));
        // CPU per event does not grow with the machine's load the way latency does: the figure to compare two builds or settings by.
        if (EventsPerSecond > 0) yield return ("server CPU per acknowledged event", F($"{cpu / EventsPerSecond * 1e6:0.0} µs"));
        if (Settings.Mode == "reads" && ReadsPerSecond > 0) yield return ("server CPU per profile read", F($"{cpu / ReadsPerSecond * 1e6:0.0} µs"));
    }

    public string Table(string store)
    {
        var rows = Rows(store);
        var width = rows.Max(r => r.Metric.Length);
        var text = new StringBuilder();
        foreach (var (metric, value) in rows) text.Append(metric.PadRight(width)).Append("  ").AppendLine(value);
        return text.ToString();
    }

    public string Markdown(string store, string command)
    {
        var text = new StringBuilder();
        text.AppendLine(F($"#### {Settings.Mode} · {store} · {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC"));
        text.AppendLine();
        text.AppendLine("```");
        text.AppendLine(command);
        text.AppendLine("```");
        text.AppendLine();
        text.AppendLine("| metric | value |");
        text.AppendLine("| --- | --- |");
        foreach (var (metric, value) in Rows(store)) text.AppendLine(F($"| {metric} | {value} |"));
        text.AppendLine();
        return text.ToString();
    }

    private static string F(FormattableString s) => s.ToString(Inv);
}
