using System.Globalization;
using Tailor.SegmentBench;
using Tailor.Storage;

// tailor-segbench gen       --data DIR [--postgres CS] --profiles N --events M [--seed S]
// tailor-segbench recompute --data DIR [--postgres CS] [--repeat 3] [--markdown FILE]
// tailor-segbench engine-cpu --ndjson FILE [--segments segments20.txt] [--step 2000] [--events 100000] [--encrypted] [--markdown FILE]
// tailor-segbench latency   --server-dll tailor.dll [--template-db FILE] [--samples 200] [--bg-rate 200] [--markdown FILE]
if (args.Length == 0) { Console.Error.WriteLine("usage: tailor-segbench gen|recompute|latency [options]; see bench/README.md"); return 2; }
var options = new Dictionary<string, string>(StringComparer.Ordinal);
// Options take a value; a flag (--encrypted) takes none, wherever it stands.
for (var i = 1; i + 1 < args.Length; i++)
    if (args[i].StartsWith("--", StringComparison.Ordinal) && !args[i + 1].StartsWith("--", StringComparison.Ordinal)) options[args[i]] = args[++i];
string? Opt(string name) => options.GetValueOrDefault(name);
int Int(string name, int fallback) => Opt(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
var command = "tailor-segbench " + string.Join(' ', args.Select(a => a.Contains(' ', StringComparison.Ordinal) ? $"'{a}'" : a));
using var cts = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };
var ct = cts.Token;

async Task Append(string text)
{
    Console.WriteLine(text);
    if (Opt("--markdown") is { } path)
        await File.AppendAllTextAsync(path, $"\n`{command}` ({DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC)\n\n{text}\n", CancellationToken.None);
}

switch (args[0])
{
    case "gen":
    {
        var data = Opt("--data") ?? throw new ArgumentException("--data DIR");
        Directory.CreateDirectory(data);
        var pg = Opt("--postgres");
        await (await TailorStores.OpenAsync(data, pg, ct)).DisposeAsync(); // migrate
        var now = DateTimeOffset.UtcNow;
        if (pg is null) await Generator.WriteSqliteAsync(TailorStores.SqlitePath(data), Int("--profiles", 100_000), Int("--events", 20), Int("--seed", 1), now, ct);
        else await Generator.WritePostgresAsync(pg, Int("--profiles", 100_000), Int("--events", 20), Int("--seed", 1), now, ct);
        return 0;
    }
    case "recompute":
        await Append(await RecomputeBench.RunAsync(Opt("--data") ?? throw new ArgumentException("--data DIR"), Opt("--postgres"), Int("--repeat", 3), ct));
        return 0;
    case "snapshot-queries":
        await Append(await SnapshotQueries.RunAsync(Opt("--data") ?? throw new ArgumentException("--data DIR"), Opt("--event") ?? "Order Completed", ct));
        return 0;
    case "engine-cpu":
        await Append(EngineCpuBench.Header + "\n" + await EngineCpuBench.RunAsync(Opt("--ndjson") ?? throw new ArgumentException("--ndjson FILE (tailor-loadgen --write-ndjson)"),
            Opt("--segments") ?? Path.Combine(AppContext.BaseDirectory, "segments20.txt"), Int("--step", 2000), Int("--events", 100_000), args.Contains("--encrypted"), ct));
        return 0;
    case "latency":
        await Append(await LatencyBench.RunAsync(Opt("--server-dll") ?? throw new ArgumentException("--server-dll"), Opt("--template-db"),
            Opt("--segments") ?? Path.Combine(AppContext.BaseDirectory, "segments20.txt"), Int("--samples", 200), Int("--bg-rate", 200), ct));
        return 0;
    default:
        Console.Error.WriteLine($"unknown command {args[0]}");
        return 2;
}

internal static partial class Program
{
    /// <summary>Reads `name | rule` lines (# comments).</summary>
    public static IEnumerable<(string Name, string Rule)> ReadSegments(string path) =>
        File.ReadLines(path).Where(l => l.Trim().Length > 0 && !l.TrimStart().StartsWith('#'))
            .Select(l => l.Split('|', 2)).Select(p => (p[0].Trim(), p[1].Trim()));
}
