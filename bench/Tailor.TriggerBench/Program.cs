using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

// Trigger timers at scale (BENCHMARKS.md, "Triggers"): starts `tailor serve` as a child process and a webhook
// receiver in this process, enters N journeys whose 30-minute waits (measured on event time) fall due at a fixed
// rate starting `lead` seconds from now, and measures, per journey, how late its webhook arrived after its due time,
// plus the server's RSS as the journeys pile up. Every journey calls the webhook; every `email-every`-th also sends
// an email to the SMTP server given with --smtp.
var options = Options.Parse(args);
var inv = CultureInfo.InvariantCulture;
Console.WriteLine($"journeys={options.Journeys} rate={options.Rate}/s lead={options.Lead}s email-every={options.EmailEvery} smtp={options.Smtp ?? "-"}");

var arrivals = new ConcurrentDictionary<string, (DateTimeOffset At, long DueMs)>();
var receiver = await StartReceiverAsync(arrivals);
var receiverUrl = receiver.Urls.Single();

var data = Path.Combine(Path.GetTempPath(), $"tailor-triggerbench-{Guid.NewGuid():N}");
Directory.CreateDirectory(data);
var port = FreePort();
var serverInfo = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
foreach (var a in new[] { options.ServerDll, "serve", "--urls", $"http://127.0.0.1:{port}", "--data", data }) serverInfo.ArgumentList.Add(a);
serverInfo.Environment["TAILOR_WRITE_KEY"] = "wk_bench";
serverInfo.Environment["TAILOR_ADMIN_KEY"] = "tk_admin_bench";
if (options.Smtp is not null) serverInfo.Environment["TAILOR_SMTP"] = options.Smtp;
if (options.Postgres is not null) serverInfo.Environment["TAILOR_POSTGRES"] = options.Postgres;
using var server = Process.Start(serverInfo)!;
server.OutputDataReceived += (_, _) => { };
server.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine($"[server] {e.Data}"); };
server.BeginOutputReadLine();
server.BeginErrorReadLine();
try
{
    using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(120) };
    await WaitForHealthAsync(http);
    http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "tk_admin_bench");
    var rssIdle = Rss(server.Id);

    var definition = new JsonObject
    {
        ["name"] = "Bench",
        ["start"] = new JsonObject { ["event"] = "Product Added" },
        ["steps"] = new JsonArray(
            new JsonObject { ["wait"] = "30m" },
            new JsonObject { ["action"] = new JsonObject { ["webhook"] = new JsonObject { ["url"] = $"{receiverUrl}/hook", ["maxAttempts"] = 3 } } },
            new JsonObject { ["if"] = "trait wants_email = true" },
            new JsonObject { ["action"] = new JsonObject { ["email"] = new JsonObject { ["from"] = "bench@tailor.local", ["subject"] = "Your cart", ["body"] = "{{ event.properties.name }}" } } }),
    };
    using var created = await http.PostAsync("/api/triggers", new StringContent(definition.ToJsonString(), Encoding.UTF8, "application/json"));
    if (created.StatusCode != HttpStatusCode.Created) throw new InvalidOperationException(await created.Content.ReadAsStringAsync());
    var trigger = (string)JsonNode.Parse(await created.Content.ReadAsStringAsync())!["id"]!;

    // Journey i falls due at firstDue + i / rate; its Product Added is stamped 30 minutes before that.
    var firstDue = DateTimeOffset.UtcNow.AddSeconds(options.Lead);
    var ingestClock = Stopwatch.StartNew();
    var ingest = new HttpClient { BaseAddress = http.BaseAddress, Timeout = TimeSpan.FromSeconds(120) };
    ingest.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("wk_bench:")));
    const int ProfilesPerBatch = 250;
    await Parallel.ForEachAsync(Enumerable.Range(0, (options.Journeys + ProfilesPerBatch - 1) / ProfilesPerBatch), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (b, ct) =>
    {
        var batch = new JsonArray();
        for (var i = b * ProfilesPerBatch; i < Math.Min(options.Journeys, (b + 1) * ProfilesPerBatch); i++)
        {
            var due = firstDue.AddTicks((long)(i * TimeSpan.TicksPerSecond / options.Rate));
            var added = due.AddMinutes(-30);
            var wantsEmail = options.EmailEvery > 0 && i % options.EmailEvery == 0;
            batch.Add(new JsonObject
            {
                ["type"] = "identify", ["userId"] = $"u{i}", ["messageId"] = $"id-{i}", ["timestamp"] = added.AddSeconds(-1).ToString("O", inv),
                ["traits"] = new JsonObject
                {
                    ["email"] = $"bench-{i}@example.test", ["wants_email"] = wantsEmail,
                    ["consent"] = new JsonObject { ["personalization"] = true, ["email"] = true },
                },
            });
            batch.Add(new JsonObject
            {
                ["type"] = "track", ["event"] = "Product Added", ["userId"] = $"u{i}", ["messageId"] = $"add-{i}", ["timestamp"] = added.ToString("O", inv),
                ["properties"] = new JsonObject { ["name"] = "Kettle", ["due"] = due.ToUnixTimeMilliseconds() },
            });
        }
        using var response = await ingest.PostAsync("/v1/batch", new StringContent(new JsonObject { ["batch"] = batch }.ToJsonString(), Encoding.UTF8, "application/json"), ct);
        response.EnsureSuccessStatusCode();
    });
    Console.WriteLine($"ingested {options.Journeys * 2:N0} events in {ingestClock.Elapsed.TotalSeconds:F1} s");

    // Watch the journeys pile up (RSS against waiting journeys), then fire.
    var memory = new List<(long Waiting, double RssMb)>();
    var enteredAt = TimeSpan.Zero;
    var lastEnd = firstDue.AddSeconds(options.Journeys / options.Rate);
    var deadline = lastEnd.AddSeconds(options.Tail);
    long maxWaiting = 0;
    while (DateTimeOffset.UtcNow < deadline && arrivals.Count < options.Journeys)
    {
        var stats = JsonNode.Parse(await http.GetStringAsync($"/api/triggers/{trigger}/stats"))!;
        var waiting = (long?)stats["runs"]?["waiting"] ?? 0;
        var runsTotal = ((long?)stats["runs"]?["waiting"] ?? 0) + ((long?)stats["runs"]?["completed"] ?? 0) + ((long?)stats["runs"]?["exited"] ?? 0);
        if (waiting > maxWaiting)
        {
            maxWaiting = waiting;
            memory.Add((waiting, Rss(server.Id)));
        }
        if (enteredAt == TimeSpan.Zero && runsTotal >= options.Journeys) enteredAt = ingestClock.Elapsed;
        await Task.Delay(500);
    }
    var rssEnd = Rss(server.Id);
    var finalStats = await http.GetStringAsync($"/api/triggers/{trigger}/stats");

    var lateness = arrivals.Values.Select(a => (a.At - DateTimeOffset.FromUnixTimeMilliseconds(a.DueMs)).TotalMilliseconds).Order().ToArray();
    double P(double q) => lateness.Length == 0 ? double.NaN : lateness[Math.Min(lateness.Length - 1, (int)Math.Ceiling(q * lateness.Length) - 1)];
    var firstArrival = arrivals.Values.Min(a => a.At);
    var lastArrival = arrivals.Values.Max(a => a.At);
    var window = (lastArrival - firstArrival).TotalSeconds;

    var report = new StringBuilder();
    report.AppendLine(CultureInfo.InvariantCulture, $"### Trigger timers: {options.Journeys:N0} journeys due at {options.Rate:N0}/s ({DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC)");
    report.AppendLine();
    report.AppendLine(CultureInfo.InvariantCulture, $"`dotnet bench/Tailor.TriggerBench/bin/Release/net10.0/tailor-triggerbench.dll {string.Join(' ', args)}`");
    report.AppendLine();
    report.AppendLine("| measure | value |");
    report.AppendLine("| --- | --- |");
    report.AppendLine(CultureInfo.InvariantCulture, $"| all {options.Journeys:N0} journeys entered (waiting) after | {enteredAt.TotalSeconds:F1} s from the first event sent (lead before the first due time: {options.Lead} s) |");
    report.AppendLine(CultureInfo.InvariantCulture, $"| webhooks received | {arrivals.Count:N0} of {options.Journeys:N0} ({window:F1} s from first to last: {arrivals.Count / Math.Max(window, 0.001):N0}/s) |");
    report.AppendLine(CultureInfo.InvariantCulture, $"| lateness, webhook arrival − due time: p50 / p90 / p99 / p99.9 / max | {P(0.5):F0} / {P(0.9):F0} / {P(0.99):F0} / {P(0.999):F0} / {P(1):F0} ms |");
    report.AppendLine(CultureInfo.InvariantCulture, $"| early (arrived before due) | {lateness.Count(l => l < 0)} |");
    report.AppendLine(CultureInfo.InvariantCulture, $"| server RSS idle / at most waiting / end | {rssIdle:F0} / {memory.LastOrDefault().RssMb:F0} / {rssEnd:F0} MB |");
    report.AppendLine(CultureInfo.InvariantCulture, $"| RSS against waiting journeys | {string.Join(", ", Thin(memory, 6).Select(m => $"{m.Waiting:N0}: {m.RssMb:F0} MB"))} |");
    report.AppendLine(CultureInfo.InvariantCulture, $"| final trigger stats | `{finalStats}` |");
    Console.WriteLine(report.ToString());
    if (options.Markdown is not null) await File.AppendAllTextAsync(options.Markdown, report + Environment.NewLine);
    return 0;
}
finally
{
    if (!server.HasExited) { server.Kill(entireProcessTree: true); await server.WaitForExitAsync(); }
    await receiver.StopAsync();
    try { Directory.Delete(data, recursive: true); } catch (IOException) { }
}

static IEnumerable<(long Waiting, double RssMb)> Thin(List<(long Waiting, double RssMb)> points, int count) =>
    points.Count <= count ? points : Enumerable.Range(0, count).Select(i => points[(int)((long)i * (points.Count - 1) / (count - 1))]);

static async Task<WebApplication> StartReceiverAsync(ConcurrentDictionary<string, (DateTimeOffset, long)> arrivals)
{
    var builder = WebApplication.CreateSlimBuilder();
    builder.WebHost.UseUrls($"http://127.0.0.1:{FreePort()}");
    builder.Logging.ClearProviders();
    var app = builder.Build();
    app.MapPost("/hook", async (HttpContext context) =>
    {
        var at = DateTimeOffset.UtcNow;
        using var body = await JsonDocument.ParseAsync(context.Request.Body);
        var due = body.RootElement.GetProperty("event").GetProperty("properties").GetProperty("due").GetInt64();
        arrivals.TryAdd(context.Request.Headers["Idempotency-Key"].ToString(), (at, due));
        return Results.Ok();
    });
    await app.StartAsync();
    return app;
}

static async Task WaitForHealthAsync(HttpClient http)
{
    var clock = Stopwatch.StartNew();
    while (clock.Elapsed < TimeSpan.FromSeconds(60))
    {
        try
        {
            using var response = await http.GetAsync("/health");
            if (response.IsSuccessStatusCode) return;
        }
        catch (HttpRequestException) { }
        await Task.Delay(200);
    }
    throw new TimeoutException("tailor serve did not answer /health within 60 s");
}

static int FreePort()
{
    using var listener = new TcpListener(IPAddress.Loopback, 0);
    listener.Start();
    return ((IPEndPoint)listener.LocalEndpoint).Port;
}

static double Rss(int pid)
{
    foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
    return double.NaN;
}

internal sealed record Options(string ServerDll, int Journeys, double Rate, int Lead, int Tail, int EmailEvery, string? Smtp, string? Postgres, string? Markdown)
{
    public static Options Parse(string[] args)
    {
        string? Get(string name)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        }
        var inv = CultureInfo.InvariantCulture;
        return new Options(
            Get("--server-dll") ?? "src/Tailor.Cli/bin/Release/net10.0/tailor.dll",
            int.Parse(Get("--journeys") ?? "100000", inv),
            double.Parse(Get("--rate") ?? "2000", inv),
            int.Parse(Get("--lead") ?? "180", inv),
            int.Parse(Get("--tail") ?? "60", inv),
            int.Parse(Get("--email-every") ?? "10", inv),
            Get("--smtp"),
            Get("--postgres"),
            Get("--markdown"));
    }
}
