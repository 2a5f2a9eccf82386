using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Tailor.ContentBench;

// dotnet bench/Tailor.ContentBench/bin/Release/net10.0/tailor-contentbench.dll delivery  SERVER_DLL SMTP_HOST:PORT|null MEMBERS
// dotnet bench/Tailor.ContentBench/bin/Release/net10.0/tailor-contentbench.dll placement SERVER_DLL RATE SECONDS PROFILES
if (args.Length < 2) { Console.Error.WriteLine("usage: delivery SERVER_DLL SMTP MEMBERS | placement SERVER_DLL RATE SECONDS PROFILES"); return 2; }
var invariant = CultureInfo.InvariantCulture;
return args[0] switch
{
    "delivery" => await Delivery(args[1], args[2], int.Parse(args[3], invariant)),
    "placement" => await Placement(args[1], int.Parse(args[2], invariant), int.Parse(args[3], invariant), int.Parse(args[4], invariant)),
    _ => 2,
};

static async Task Ingest(HttpClient ingest, IEnumerable<object> messages)
{
    foreach (var chunk in messages.Chunk(500))
    {
        using var response = await ingest.PostAsJsonAsync("/v1/batch", new { batch = chunk });
        response.EnsureSuccessStatusCode();
    }
}

static async Task Post(HttpClient admin, string path, object body)
{
    using var response = await admin.PostAsJsonAsync(path, body);
    if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
}

static async Task WaitFor(Func<Task<bool>> condition, TimeSpan timeout)
{
    var clock = Stopwatch.StartNew();
    while (!await condition())
    {
        if (clock.Elapsed > timeout) throw new TimeoutException();
        await Task.Delay(200);
    }
}

static async Task<int> Delivery(string serverDll, string smtp, int members)
{
    // "null" runs a minimal SMTP server in this process that counts and discards (see NullSmtpServer).
    await using var sink = smtp == "null" ? new NullSmtpServer() : null;
    if (sink is not null) smtp = $"127.0.0.1:{sink.Port}";
    await using var server = await ChildServer.StartAsync(serverDll, new Dictionary<string, string> { ["TAILOR_SMTP"] = smtp, ["TAILOR_CAMPAIGN_RATE"] = "0" });
    using var admin = server.Admin();
    using var ingest = server.Ingest();
    var run = Guid.NewGuid().ToString("N")[..8];
    await Post(admin, "/api/segments", new { name = "Bench Audience", rule = $"trait cohort = \"{run}\"" });
    var setup = Stopwatch.StartNew();
    await Ingest(ingest, Enumerable.Range(0, members).Select(i => (object)new
    {
        type = "identify", userId = $"{run}-{i}",
        traits = new { email = $"bench-{run}-{i}@example.test", first_name = $"Name{i}", cohort = run, consent = new { email = true } },
    }));
    await WaitFor(async () => (long)(await admin.GetFromJsonAsync<JsonObject>("/api/segments/Bench%20Audience"))!["size"]! == members, TimeSpan.FromMinutes(30));
    Console.WriteLine($"setup: {members:N0} profiles in the segment after {setup.Elapsed.TotalSeconds:F0} s");
    await Post(admin, "/api/templates", new
    {
        name = "bench", subject = "Spring for {{ profile.first_name }}",
        body = "<html><body><h1>Hi {{ profile.first_name | capitalize }}</h1><p>{{ 42.5 | money }} off until {{ context.now | date: '%-d %B' }}.</p>"
            + "{% for p in recommendations limit: 4 %}<a href=\"{{ p.url | default: 'https://shop.example/' }}\">{{ p.name }}</a>{% endfor %}</body></html>",
    });
    using var created = await admin.PostAsJsonAsync("/api/campaigns", new { name = "Bench", template = "bench", segment = "Bench Audience" });
    var id = (string)(await created.Content.ReadFromJsonAsync<JsonObject>())!["id"]!;
    var rssBefore = server.RssMb();
    var samples = new List<double>();
    var clock = Stopwatch.StartNew();
    await Post(admin, $"/api/campaigns/{id}/send", new { });
    JsonObject campaign = null!;
    await WaitFor(async () =>
    {
        samples.Add(server.RssMb());
        campaign = (await admin.GetFromJsonAsync<JsonObject>($"/api/campaigns/{id}"))!;
        return (string)campaign["status"]! == "completed";
    }, TimeSpan.FromHours(1));
    var seconds = clock.Elapsed.TotalSeconds;
    var sent = (long)campaign["counts"]!["sent"]!;
    Console.WriteLine($"delivery: {sent:N0} of {members:N0} sent in {seconds:F1} s = {sent / seconds:N0} emails/s (failed {(long)campaign["counts"]!["failed"]!})");
    foreach (var failed in (await admin.GetFromJsonAsync<JsonArray>($"/api/campaigns/{id}/recipients?status=failed&limit=5"))!)
        Console.WriteLine($"failed: {failed!["detail"]}");
    if (sink is not null)
        Console.WriteLine($"null sink received {sink.Messages:N0} messages for {sink.PerRecipient.Count:N0} recipients; most to one recipient: {sink.PerRecipient.Values.DefaultIfEmpty(0).Max()}");
    Console.WriteLine($"server RSS MB: before send {rssBefore:F0}, during send min {samples.Min():F0} / median {samples.Order().ElementAt(samples.Count / 2):F0} / max {samples.Max():F0}, end {samples[^1]:F0}");
    return 0;
}

static async Task<int> Placement(string serverDll, int rate, int seconds, int profiles)
{
    await using var server = await ChildServer.StartAsync(serverDll, new Dictionary<string, string>());
    using var admin = server.Admin();
    using var ingest = server.Ingest();
    var run = Guid.NewGuid().ToString("N")[..8];
    await Ingest(ingest, Enumerable.Range(0, profiles).Select(i => (object)new
    {
        type = "identify", userId = $"{run}-{i}",
        traits = new { first_name = $"Name{i}", plan = i % 3 == 0 ? "pro" : "free", consent = new { personalization = i % 10 != 0 } },
    }));
    await Ingest(ingest, Enumerable.Range(0, profiles / 2).Select(i => (object)new
    {
        type = "track", userId = $"{run}-{i * 2}", @event = "Order Completed",
        properties = new { products = new[] { new { product_id = $"sku-{i % 20}", name = $"Product {i % 20}", price = 10 + i % 20 } } },
    }));
    await WaitFor(async () => (long)(await admin.GetFromJsonAsync<JsonObject>("/api/pipeline"))!["lag"]! == 0, TimeSpan.FromMinutes(10));
    await Post(admin, "/api/blocks", new
    {
        name = "hero",
        variants = new object[]
        {
            new { name = "pro", condition = "trait plan = \"pro\"", body = "<h2>Pro picks for {{ profile.first_name }}</h2>{% for p in recommendations limit: 3 %}<li>{{ p.name }} {{ p.price | money }}</li>{% endfor %}" },
            new { name = "buyer", condition = "performed \"Order Completed\" in last 30 days", body = "<h2>Thanks, {{ profile.first_name }}</h2>" },
        },
        @default = new { body = "<h2>Spring sale</h2>{% for p in recommendations limit: 3 %}<li>{{ p.name }}</li>{% endfor %}" },
    });
    await Post(admin, "/api/placements", new { name = "home_banner", block = "hero" });
    using var client = server.Ingest();
    // Each visitor as a shop's page asks: the userId with its identity verification hash (docs/content.md).
    var secret = System.Text.Encoding.UTF8.GetBytes((string)(await admin.GetFromJsonAsync<JsonObject>("/api/identity-secret"))!["secret"]!);
    var queries = Enumerable.Range(0, profiles).Select(i => $"userId={run}-{i}&userHash=" +
        Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(secret, System.Text.Encoding.UTF8.GetBytes($"{run}-{i}")))).ToArray();
    // Warm: every profile once.
    await Parallel.ForEachAsync(Enumerable.Range(0, profiles), new ParallelOptions { MaxDegreeOfParallelism = 32 },
        async (i, ct) => (await client.GetAsync($"/v1/personalize?placement=home_banner&{queries[i]}", ct)).Dispose());

    var total = rate * seconds;
    var latencies = new double[total];
    var errors = 0;
    var start = Stopwatch.GetTimestamp();
    var tasks = new Task[total];
    var random = new Random(1);
    for (var n = 0; n < total; n++)
    {
        var scheduled = start + (long)(n * (double)Stopwatch.Frequency / rate);
        var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), scheduled);
        if (wait > TimeSpan.FromMilliseconds(1)) await Task.Delay(wait);
        var user = queries[random.Next(profiles)];
        var index = n;
        tasks[n] = Task.Run(async () =>
        {
            try
            {
                using var response = await client.GetAsync($"/v1/personalize?placement=home_banner&{user}");
                await response.Content.ReadAsByteArrayAsync();
                if (!response.IsSuccessStatusCode) Interlocked.Increment(ref errors);
            }
            catch (HttpRequestException)
            {
                Interlocked.Increment(ref errors);
            }
            // Latency from the scheduled send time: a late start counts against the server (no coordinated omission).
            latencies[index] = Stopwatch.GetElapsedTime(scheduled).TotalMilliseconds;
        });
    }
    await Task.WhenAll(tasks);
    var elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
    Array.Sort(latencies);
    double P(double q) => latencies[Math.Min(latencies.Length - 1, (int)(q * latencies.Length))];
    Console.WriteLine($"placement: {total:N0} requests at {rate:N0}/s target, achieved {total / elapsed:N0}/s, errors {errors}, {profiles:N0} profiles (warm)");
    Console.WriteLine($"latency ms: p50 {P(0.50):F2}  p90 {P(0.90):F2}  p99 {P(0.99):F2}  p99.9 {P(0.999):F2}  max {latencies[^1]:F2}; server RSS {server.RssMb():F0} MB");
    return 0;
}
