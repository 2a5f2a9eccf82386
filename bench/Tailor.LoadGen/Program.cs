using System.CommandLine;
using System.Globalization;
using Tailor.LoadGen;

var mode = new Option<string>("--mode")
{
    Description = "throughput (closed loop, as fast as acknowledged), fixed-rate (open loop at --rate with profile reads), memory (fixed-rate for --duration, default 600 s), or reads (seed --seed-events, then --connections closed-loop profile reads alone)",
    DefaultValueFactory = _ => "throughput",
};
mode.AcceptOnlyFromAmong("throughput", "fixed-rate", "memory", "reads");
var serverDll = new Option<string?>("--server-dll") { Description = "tailor.dll to start as a child process (fresh data directory; RSS/CPU sampled)" };
var postgres = new Option<string?>("--postgres") { Description = "With --server-dll: run on PostgreSQL; a fresh database is created from this connection string and dropped after" };
var url = new Option<string?>("--url") { Description = "Target an already running server instead (loopback only); needs --write-key and --admin-key" };
var writeKey = new Option<string?>("--write-key") { DefaultValueFactory = _ => Environment.GetEnvironmentVariable("TAILOR_WRITE_KEY") };
var adminKey = new Option<string?>("--admin-key") { DefaultValueFactory = _ => Environment.GetEnvironmentVariable("TAILOR_ADMIN_KEY") };
var connections = new Option<int>("--connections") { Description = "Concurrent senders in throughput mode", DefaultValueFactory = _ => 16 };
var rate = new Option<double>("--rate") { Description = "Events/s in fixed-rate and memory modes", DefaultValueFactory = _ => 5000 };
var batchSize = new Option<int>("--batch-size") { DefaultValueFactory = _ => 100 };
var readRate = new Option<double>("--read-rate") { Description = "Profile lookups/s beside fixed-rate load (0: none)", DefaultValueFactory = _ => 200 };
var warmup = new Option<int>("--warmup") { Description = "Seconds of load before measuring", DefaultValueFactory = _ => 10 };
var duration = new Option<int?>("--duration") { Description = "Measured seconds (default 60; 600 in memory mode)" };
var users = new Option<int>("--users") { DefaultValueFactory = _ => 100_000 };
var zipf = new Option<double>("--zipf") { Description = "Zipf exponent of user activity", DefaultValueFactory = _ => 0.9 };
var seed = new Option<int>("--seed") { DefaultValueFactory = _ => 42 };
var timeout = new Option<int>("--timeout") { Description = "Per-request timeout, seconds", DefaultValueFactory = _ => 30 };
var maxInFlight = new Option<int>("--max-in-flight") { Description = "Open-loop cap on outstanding batches", DefaultValueFactory = _ => 512 };
var serverEnv = new Option<string[]>("--server-env") { Description = "NAME=VALUE for the child server (e.g. DOTNET_gcServer=1); repeatable", AllowMultipleArgumentsPerToken = false };
var markdown = new Option<string?>("--markdown") { Description = "Append the results as a markdown block to this file" };
var segments = new Option<string?>("--segments") { Description = "File of 'name | rule' lines: segments created through POST /api/segments before the warm-up" };
var drain = new Option<int>("--drain") { Description = "Seconds to wait after the load for the profile pipeline to catch up (reported; 0: do not wait)", DefaultValueFactory = _ => 30 };
var probe = new Option<bool>("--probe") { Description = "Time membership changes: 2xx of a probe event to 'entered' on /api/segments/stream, one probe at a time beside the load" };
var startTimeout = new Option<int>("--start-timeout") { Description = "Seconds to wait for the child server's /health (a busy machine starts it slowly)", DefaultValueFactory = _ => 60 };
var seedEvents = new Option<int>("--seed-events") { Description = "Events sent and folded before reads mode measures", DefaultValueFactory = _ => 100_000 };
var label = new Option<string?>("--label") { Description = "Extra words for the store column (e.g. 'after fix')" };

var root = new RootCommand("Tailor load generator: realistic Segment batches over HTTP on loopback; prints throughput, latency, reads and memory")
{
    mode, serverDll, postgres, url, writeKey, adminKey, connections, rate, batchSize, readRate, warmup, duration, users, zipf, seed,
    timeout, maxInFlight, serverEnv, markdown, label, segments, drain, probe, startTimeout, seedEvents,
};
var writeNdjson = new Option<string?>("--write-ndjson") { Description = "Write --events messages of the load's mix to this file, one per line (for `tailor import`: bytes per event, CPU per event), and exit" };
var eventCount = new Option<int>("--events") { Description = "Messages for --write-ndjson", DefaultValueFactory = _ => 100_000 };
root.Options.Add(writeNdjson);
root.Options.Add(eventCount);
root.SetAction(async (result, ct) =>
{
    if (result.GetValue(writeNdjson) is { } ndjson)
    {
        var count = Math.Clamp(result.GetValue(eventCount), 1, 50_000_000);
        await Ndjson.WriteAsync(ndjson, count, new Zipf(Math.Clamp(result.GetValue(users), 1, 10_000_000), result.GetValue(zipf)), result.GetValue(seed), ct);
        Console.WriteLine($"wrote {count} messages to {ndjson}");
        return 0;
    }
    var chosen = result.GetValue(mode)!;
    var settings = new RunSettings(
        Mode: chosen == "throughput" ? "throughput" : chosen,
        Connections: Math.Clamp(result.GetValue(connections), 1, 256),
        Rate: Math.Clamp(result.GetValue(rate), 1, 200_000),
        BatchSize: Math.Clamp(result.GetValue(batchSize), 1, 1000),
        ReadRate: Math.Clamp(result.GetValue(readRate), 0, 10_000),
        Warmup: TimeSpan.FromSeconds(Math.Clamp(result.GetValue(warmup), 0, 300)),
        Duration: TimeSpan.FromSeconds(Math.Clamp(result.GetValue(duration) ?? (chosen == "memory" ? 600 : 60), 1, 3600)),
        Users: Math.Clamp(result.GetValue(users), 1, 10_000_000),
        ZipfExponent: result.GetValue(zipf),
        Seed: result.GetValue(seed),
        RequestTimeout: TimeSpan.FromSeconds(Math.Clamp(result.GetValue(timeout), 1, 120)),
        MaxInFlight: Math.Clamp(result.GetValue(maxInFlight), 1, 4096),
        Drain: Math.Clamp(result.GetValue(drain), 0, 3600),
        Probe: result.GetValue(probe),
        SeedEvents: Math.Clamp(result.GetValue(seedEvents), 100, 50_000_000));

    var dll = result.GetValue(serverDll);
    var pg = result.GetValue(postgres);
    var target = result.GetValue(url);
    if ((dll is null) == (target is null))
    {
        Console.Error.WriteLine("Give exactly one of --server-dll PATH (preferred) or --url http://127.0.0.1:PORT.");
        return 2;
    }

    var env = new Dictionary<string, string>();
    foreach (var pair in result.GetValue(serverEnv) ?? [])
    {
        var eq = pair.IndexOf('=', StringComparison.Ordinal);
        if (eq <= 0) { Console.Error.WriteLine($"--server-env wants NAME=VALUE, got '{pair}'"); return 2; }
        env[pair[..eq]] = pair[(eq + 1)..];
    }

    if (settings.Mode == "reads" || settings.ReadRate > 0)
    {
        // Reads measure the read path, not the admin API's rate limits (200/s per key, 4,000/s per address by default):
        // with them, 500 lookups/s beside events were mostly answered 429.
        env.TryAdd("TAILOR__SECURITY__RATELIMITS__API__PERMITS", "0");
        env.TryAdd("TAILOR__SECURITY__RATELIMITS__PERCLIENT__PERMITS", "0");
    }

    var store = (pg is null && dll is not null ? "SQLite" : pg is not null ? "PostgreSQL" : "server at " + target)
        + (result.GetValue(label) is { } extra ? $" ({extra})" : "");
    PostgresDatabase? database = null;
    TailorTarget server;
    try
    {
        if (dll is not null)
        {
            if (pg is not null) database = await PostgresDatabase.CreateAsync(pg, ct);
            server = await TailorTarget.StartAsync(dll, database?.ConnectionString, env, TimeSpan.FromSeconds(Math.Clamp(result.GetValue(startTimeout), 10, 900)), ct);
            Console.WriteLine($"started server pid {server.ProcessId} at {server.Url} (log {server.LogPath})");
        }
        else
        {
            var (wk, ak) = (result.GetValue(writeKey), result.GetValue(adminKey));
            if (wk is null || ak is null) { Console.Error.WriteLine("--url needs --write-key and --admin-key (or TAILOR_WRITE_KEY / TAILOR_ADMIN_KEY)."); return 2; }
            server = TailorTarget.Existing(new Uri(target!), wk, ak);
        }
    }
    catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or TimeoutException)
    {
        Console.Error.WriteLine(ex.Message);
        if (database is not null) await database.DisposeAsync();
        return 1;
    }

    RunResult run;
    long? pgBytes = null;
    await using (server)
    {
        if (result.GetValue(segments) is { } segmentsFile)
        {
            var created = await SegmentSetup.CreateAsync(server, segmentsFile, ct);
            Console.WriteLine($"created {created} segments from {segmentsFile}");
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{settings.Mode}: warm-up {settings.Warmup.TotalSeconds} s, measuring {settings.Duration.TotalSeconds} s ..."));
        try
        {
            run = await new LoadRun(server, settings).RunAsync(ct);
        }
        catch (OperationCanceledException) when (server.HasExited && !ct.IsCancellationRequested)
        {
            Console.Error.WriteLine($"The server exited during the run; see {server.LogPath}. No results.");
            return 1;
        }
        if (database is not null)
        {
            try { pgBytes = await database.SizeAsync(ct); }
            catch (Npgsql.NpgsqlException ex) { Console.Error.WriteLine($"could not read the database size: {ex.Message}"); }
        }
    }
    var logged = run.Pipeline.Count > 0 ? run.Pipeline[^1].Status.LogPosition : 0;
    if ((pgBytes ?? server.DiskBytes) is { } bytes) run = run with { Disk = (bytes, logged) };
    Console.WriteLine();
    Console.WriteLine(run.Table(store));
    var command = "tailor-loadgen " + string.Join(' ', args.Select(a => a.Contains(' ', StringComparison.Ordinal) || a.Contains(';', StringComparison.Ordinal) ? $"'{a}'" : a));
    if (result.GetValue(markdown) is { } path)
    {
        await File.AppendAllTextAsync(path, run.Markdown(store, command), CancellationToken.None);
        Console.WriteLine($"appended results to {path}");
    }
    if (database is not null) await database.DisposeAsync();
    return 0;
});
return await root.Parse(args).InvokeAsync();
