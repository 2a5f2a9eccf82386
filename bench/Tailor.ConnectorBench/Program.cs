using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Tailor.Application.Destinations;
using Tailor.Application.Pipeline;
using Tailor.Core.Events;
using Tailor.Core.Storage;
using Tailor.Server.Destinations;
using Tailor.Server.Hosting;
using Tailor.Server.Pipeline;

// tailor-connectorbench [events] [runs] [parquet|segment]: N events from U users (all with "data sharing" consent) appended to a fresh
// SQLite store and folded into profiles (not timed); then, per run, a fresh destination driven by the destinations
// follower until it is idle (timed): a Parquet export, and forwarding to a Kestrel sink on 127.0.0.1.
var events = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 200_000;
var runs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3;
var only = args.Length > 2 ? args[2] : null; // one kind only (both by default)
const int Users = 5000;
var ct = CancellationToken.None;
var root = Path.Combine(Path.GetTempPath(), $"tailor-connectorbench-{Guid.NewGuid():N}");
Directory.CreateDirectory(root);
try
{
    var options = new TailorServerOptions { DataDirectory = Path.Combine(root, "data"), Urls = "http://127.0.0.1:0" };
    options.Security.WebhookAllow = ["127.0.0.0/8"];
    await using var app = await TailorServer.BuildAsync(options, ct, b => b.Logging.ClearProviders());
    var log = app.Services.GetRequiredService<IEventLog>();
    var parser = app.Services.GetRequiredService<MessageParser>();
    var clock = Stopwatch.StartNew();
    var now = DateTimeOffset.UtcNow;
    var batch = new List<TailorEvent>(5000);
    for (var i = 0; i < Users + events; i++)
    {
        var json = i < Users
            ? $$"""{"type":"identify","userId":"u{{i}}","messageId":"id-{{i}}","traits":{"email":"u{{i}}@example.com","consent":{"data sharing":true} } }"""
            : $$"""{"type":"track","event":"Order Completed","userId":"u{{i % Users}}","messageId":"m-{{i}}","timestamp":"{{now.AddSeconds(-i % 259_200):O}}","properties":{"order_id":"o{{i}}","revenue":{{i % 100}}.5,"currency":"EUR","products":[{"sku":"s{{i % 300}}","price":{{i % 100}}.5}]} }""";
        using var doc = JsonDocument.Parse(json);
        batch.Add(parser.Parse(doc.RootElement, null, new MessageParser.Arrival("bench", now)).Event!);
        if (batch.Count == 5000) { await log.AppendAsync(batch, ct); batch.Clear(); }
    }
    if (batch.Count > 0) await log.AppendAsync(batch, ct);
    await app.Services.GetRequiredService<ProfilePipeline>().CatchUpAsync(ct);
    Console.WriteLine($"prepared {events:N0} events of {Users:N0} profiles in {clock.Elapsed.TotalSeconds:F1} s");

    // The sink: a Segment-compatible endpoint that counts messages.
    var sinkBuilder = WebApplication.CreateSlimBuilder();
    sinkBuilder.WebHost.UseUrls("http://127.0.0.1:0");
    sinkBuilder.Logging.ClearProviders();
    var sink = sinkBuilder.Build();
    long received = 0;
    sink.MapPost("/v1/batch", async (HttpRequest request) =>
    {
        using var doc = await JsonDocument.ParseAsync(request.Body);
        Interlocked.Add(ref received, doc.RootElement.GetProperty("batch").GetArrayLength());
        return Results.Ok();
    });
    await sink.StartAsync(ct);
    var sinkUrl = sink.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();

    var operations = app.Services.GetRequiredService<DestinationOperations>();
    var follower = app.Services.GetRequiredService<DestinationsFollower>();
    foreach (var (kind, label) in new[] { ("parquet", "Parquet export"), ("segment", "forwarding") })
    {
        if (only is not null && only != kind) continue;
        var rates = new List<double>();
        var cpuRates = new List<double>();
        var cpuPer100k = new List<double>();
        for (var run = 0; run < runs; run++)
        {
            var settings = kind == "parquet"
                ? new Tailor.Core.Destinations.DestinationSettings { Directory = Path.Combine(root, $"lake-{run}"), Tables = ["events"] }
                : new Tailor.Core.Destinations.DestinationSettings { Url = sinkUrl, BatchSize = 1000, MaxWaitSeconds = 0, Types = ["track"] };
            var created = await operations.CreateAsync(new DestinationInput($"{kind}-{run}", kind, settings), ct);
            Interlocked.Exchange(ref received, 0);
            var cpu = Process.GetCurrentProcess().TotalProcessorTime; // the sink runs in this process too: its CPU is counted
            var timer = Stopwatch.StartNew();
            while ((await follower.StepAsync(StepMode.Batch, ct)).Processed > 0) { }
            timer.Stop();
            var cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
            var status = (await operations.StatusAsync(created.Value!.Id, ct)).Value!;
            if (status.Lag != 0 || status.Sent < events) throw new InvalidOperationException($"{label} run {run} did not finish: {JsonSerializer.Serialize(status)}");
            if (kind == "segment" && received != events) throw new InvalidOperationException($"the sink received {received}, not {events}");
            await operations.SetPausedAsync(created.Value.Id, true, ct); // out of the way of the next run
            rates.Add(events / timer.Elapsed.TotalSeconds);
            cpuRates.Add(events / cpuSeconds);
            cpuPer100k.Add(cpuSeconds * 100_000 / events);
            Console.WriteLine($"{label} run {run + 1}: {events:N0} events in {timer.Elapsed.TotalSeconds:F2} s wall = {events / timer.Elapsed.TotalSeconds:N0} events/s; {cpuSeconds:F2} s CPU = {events / cpuSeconds:N0} events per CPU-second");
        }
        rates.Sort();
        cpuRates.Sort();
        cpuPer100k.Sort();
        Console.WriteLine($"{label}: median {rates[rates.Count / 2]:N0} events/s wall, {cpuRates[cpuRates.Count / 2]:N0} events per CPU-second " +
            $"({cpuPer100k[cpuPer100k.Count / 2]:F2} CPU-seconds per 100,000 events), over {runs} runs (load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]})");
    }
    await sink.StopAsync(ct);
}
finally
{
    Directory.Delete(root, recursive: true);
}
