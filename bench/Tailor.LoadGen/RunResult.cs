using System.Globalization;
using System.Text;

namespace Tailor.LoadGen;

/// <summary>What one run measured, and how it is printed: a console table and a markdown block for BENCHMARKS.md.</summary>
internal sealed record RunResult(
    RunSettings Settings,
    TailorTarget Target,
    LatencySummary Ack,
    LatencySummary Read,
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

    public double EventsPerSecond => AckedEvents / Settings.Duration.TotalSeconds;

    public double MedianPerSecond => Numbers.Median([.. PerSecond.Select(x => (double)x)]);

    public List<(string Metric, string Value)> Rows(string store)
    {
        var s = Settings;
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
            rows.Add(("profile read p50/p90/p99/max", Read.Count == 0 ? "-" : F($"{Read.P50:0.00} / {Read.P90:0.00} / {Read.P99:0.00} / {Read.Max:0.0} ms ({Read.Count:N0} reads)")));
            rows.Add(("read responses", TailorClient.Status(ReadStatus)));
        }
        rows.AddRange(PipelineRows());
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
            yield return ("pipeline lag at end / max", F($"{last.Lag:N0} / {Pipeline.Max(p => p.Status.Lag):N0} events"));
            yield return ("profiles at end", F($"{last.Profiles:N0}"));
        }
    }

    private IEnumerable<(string, string)> ResourceRows()
    {
        var from = Settings.Warmup.TotalSeconds;
        var samples = Resources.Where(r => r.Seconds >= Resources[0].Seconds + from).ToList();
        if (samples.Count < 2) yield break;
        var rss = samples.Select(r => r.RssMb).ToList();
        var minutes = samples.Select(r => (r.Seconds / 60, r.RssMb)).ToList();
        var secondHalf = minutes.Skip(minutes.Count / 2).ToList();
        yield return ("server RSS start / median / end / max", F($"{rss[0]:0} / {Numbers.Median(rss):0} / {rss[^1]:0} / {rss.Max():0} MB"));
        yield return ("server RSS slope (whole run / second half)", F($"{Numbers.Slope(minutes):+0.0;-0.0} / {Numbers.Slope(secondHalf):+0.0;-0.0} MB/min"));
        var cpu = (samples[^1].CpuSeconds - samples[0].CpuSeconds) / (samples[^1].Seconds - samples[0].Seconds);
        yield return ("server CPU", F($"{cpu * 100:0}% of one core (machine has {Environment.ProcessorCount})"));
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
