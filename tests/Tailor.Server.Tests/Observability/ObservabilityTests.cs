using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tailor.Server.Hosting;
using Tailor.Server.Observability;
using Tailor.Server.Tests.Hosting;

namespace Tailor.Server.Tests.Observability;

/// <summary>Metrics at the Prometheus endpoint, traces of ingestion requests, and the health endpoints, on the real app.</summary>
public sealed partial class ObservabilityTests(TailorAppFixture app)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<string> ScrapeAsync()
    {
        using var response = await app.Admin.GetResponseAsync("/metrics");
        await response.ShouldBeAsync(HttpStatusCode.OK);
        return await response.Content.ReadAsStringAsync(Ct);
    }

    /// <summary>The sum of a Prometheus sample over every series whose labels contain <paramref name="labels"/>.</summary>
    private static double Sample(string scrape, string name, string labels)
    {
        var total = 0.0;
        foreach (Match m in SampleLine().Matches(scrape))
            if (m.Groups["name"].Value == name && m.Groups["labels"].Value.Contains(labels, StringComparison.Ordinal))
                total += double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture);
        return total;
    }

    [Fact]
    public async Task The_ingestion_counter_moves_by_the_events_sent_and_latency_is_recorded()
    {
        var before = await ScrapeAsync();
        var user = TailorAppFixture.NewId("metrics");
        await app.Ingest.SendAsync("/v1/batch", new
        {
            batch = Enumerable.Range(0, 5).Select(i => new { type = "track", @event = "Metered", userId = user, messageId = $"{user}-{i}" }).ToArray(),
        });
        await app.Ingest.SendAsync("/v1/track", new { @event = "Metered", userId = user, messageId = $"{user}-0" }); // a duplicate

        var after = await ScrapeAsync();
        // Other tests share the process (and the meter): the counter moves by at least what this test sent.
        Assert.True(Sample(after, "tailor_ingestion_messages_total", "outcome=\"accepted\"") - Sample(before, "tailor_ingestion_messages_total", "outcome=\"accepted\"") >= 5, after);
        Assert.True(Sample(after, "tailor_ingestion_messages_total", "outcome=\"duplicate\"") - Sample(before, "tailor_ingestion_messages_total", "outcome=\"duplicate\"") >= 1);
        Assert.True(Sample(after, "tailor_ingestion_duration_seconds_count", "route=\"Ingestbatch\"") - Sample(before, "tailor_ingestion_duration_seconds_count", "route=\"Ingestbatch\"") >= 1);
        Assert.Contains("tailor_ingestion_duration_seconds_bucket", after, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pipeline_lag_per_follower_is_a_gauge()
    {
        var clock = Stopwatch.StartNew();
        string scrape;
        do
        {
            scrape = await ScrapeAsync(); // the first scrape starts a reading; a later one shows it
            if (scrape.Contains("tailor_pipeline_lag{", StringComparison.Ordinal)) break;
            await Task.Delay(50, Ct);
        } while (clock.Elapsed < TimeSpan.FromSeconds(30));
        Assert.Matches("tailor_pipeline_lag\\{[^}]*follower=\"profiles\"", scrape);
        Assert.Matches("tailor_pipeline_lag\\{[^}]*follower=\"segments\"", scrape);
    }

    [Fact]
    public async Task The_scrape_endpoint_asks_for_an_admin_key()
    {
        using var anonymous = await app.Anonymous.GetResponseAsync("/metrics");
        await anonymous.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "Authorization", "must be a valid admin key");
        using var writeKey = await app.Ingest.GetResponseAsync("/metrics");
        Assert.Equal(HttpStatusCode.Unauthorized, writeKey.StatusCode);
    }

    [Fact]
    public async Task An_ingestion_request_produces_a_trace_span()
    {
        var user = TailorAppFixture.NewId("traced");
        var seen = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == TailorMetrics.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity => { lock (seen) seen.Add(activity); },
        };
        ActivitySource.AddActivityListener(listener);

        await app.Ingest.SendAsync("/v1/track", new { @event = "Traced", userId = user });

        Activity[] spans;
        lock (seen) spans = [.. seen.Where(a => a.OperationName == "tailor.ingest" && (string?)a.GetTagItem("tailor.route") == "Ingesttrack")];
        Assert.NotEmpty(spans);
        Assert.All(spans, span => Assert.NotEqual(default, span.ParentSpanId)); // inside ASP.NET Core's request span
        Assert.All(spans, span => Assert.True(span.Duration > TimeSpan.Zero));
    }

    [Fact]
    public async Task Health_live_answers_and_ready_reports_storage_and_followers()
    {
        using var live = await app.Anonymous.GetResponseAsync("/health/live");
        await live.ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal("Healthy", (string?)(await live.JsonAsync())["status"]);

        var clock = Stopwatch.StartNew();
        while (true)
        {
            using var ready = await app.Anonymous.GetResponseAsync("/health/ready");
            var body = await ready.JsonAsync();
            if (ready.StatusCode == HttpStatusCode.OK)
            {
                Assert.Equal("Healthy", (string?)body["status"]);
                Assert.Equal("running", (string?)body["checks"]!["ready"]!["data"]!["profiles"]);
                Assert.Equal("running", (string?)body["checks"]!["ready"]!["data"]!["deliveries"]);
                break;
            }
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), body.ToJsonString());
            await Task.Delay(50, Ct);
        }
    }

    [Fact]
    public async Task Ready_is_503_naming_what_is_not_ready_when_the_store_is_closed_under_the_node()
    {
        var options = new TailorServerOptions { DataDirectory = TempDirectory.Create("ready"), Urls = "http://127.0.0.1:0", AdminKey = "tk_admin_ready" };
        await using var node = await TailorServer.BuildAsync(options, Ct, b => b.Logging.ClearProviders());
        await node.StartAsync(Ct);
        var address = node.Urls.Single();
        using var http = new HttpClient { BaseAddress = new Uri(address) };
        await node.Services.GetRequiredService<Storage.TailorDatabase>().DisposeAsync(); // the store goes away under the node

        // Depending on what touches the closed store first, the check's query fails or a follower is left retrying.
        var clock = Stopwatch.StartNew();
        HttpStatusCode status;
        string description;
        do
        {
            using var ready = await http.GetAsync("/health/ready", Ct);
            status = ready.StatusCode;
            description = (string?)(await ready.JsonAsync())["checks"]!["ready"]!["description"] ?? "";
            if (status == HttpStatusCode.ServiceUnavailable && !description.Contains("starting", StringComparison.Ordinal)) break;
            await Task.Delay(50, Ct);
        } while (clock.Elapsed < TimeSpan.FromSeconds(10));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Matches("^(storage is not reachable: .+|([a-z]+ is (retrying|stopped)(; )?)+)$", description);
        await node.StopAsync(CancellationToken.None);
        TempDirectory.Delete(options.DataDirectory);
    }

    [Fact]
    public async Task A_bad_metrics_path_stops_the_start_naming_the_key()
    {
        var options = new TailorServerOptions { DataDirectory = TempDirectory.Create("bad-metrics"), Urls = "http://127.0.0.1:0" };
        options.Observability.MetricsPath = "/api/metrics";
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => TailorServer.BuildAsync(options, Ct, b => b.Logging.ClearProviders()));
        Assert.Contains("Tailor:Observability:MetricsPath must be a path such as /metrics, outside /api and /v1", error.Message, StringComparison.Ordinal);
        TempDirectory.Delete(options.DataDirectory);
    }

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>[^}]*)\})? (?<value>[0-9.eE+-]+|NaN|\+Inf)", RegexOptions.Multiline)]
    private static partial Regex SampleLine();
}
