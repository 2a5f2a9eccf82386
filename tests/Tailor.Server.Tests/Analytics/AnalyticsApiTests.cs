using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Tailor.Application;
using Tailor.Application.Analytics;
using Tailor.Core.Analytics;
using Tailor.Server.Hosting;
using Tailor.Server.Tests.Hosting;

namespace Tailor.Server.Tests.Analytics;

/// <summary><c>/api/analytics</c> on a real server: a run is queued, run in the background by the runner, and read back with its artifacts.</summary>
public sealed class AnalyticsApiTests : IAsyncLifetime
{
    private FakeClockApp _app = null!;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        var options = new TailorServerOptions { DataDirectory = TempDirectory.Create("analytics-api"), WriteKey = "wk_analytics", AdminKey = "tk_admin_analytics" };
        _app = await FakeClockApp.StartAsync(options, new FakeTimeProvider(new DateTimeOffset(2026, 5, 1, 9, 0, 0, TimeSpan.Zero)),
            services => services.AddSingleton<IAnalyticsJob, SvgJob>());
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    [Fact]
    public async Task A_run_is_accepted_then_run_in_the_background_and_its_chart_is_served_inert()
    {
        var response = await _app.Admin.PostAsJsonAsync("/api/analytics/runs", new { kind = "svg", parameters = new { label = "<script>alert(1)</script>" } }, Ct);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var queued = (await response.Content.ReadFromJsonAsync<JsonObject>(Ct))!;
        var id = (string)queued["id"]!;
        Assert.Equal($"/api/analytics/runs/{id}", response.Headers.Location!.ToString());

        var run = await WaitUntilFinishedAsync(id);
        Assert.Equal("succeeded", (string)run["status"]!);
        Assert.Equal("<script>alert(1)</script>", (string)run["result"]!["label"]!);
        Assert.Equal(["chart.svg"], run["artifactNames"]!.AsArray().Select(n => (string)n!));

        var chart = await _app.Admin.GetAsync($"/api/analytics/runs/{id}/artifacts/chart.svg", Ct);
        Assert.Equal(HttpStatusCode.OK, chart.StatusCode);
        Assert.Equal("image/svg+xml", chart.Content.Headers.ContentType!.MediaType);
        Assert.Contains("default-src 'none'", chart.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Equal("nosniff", chart.Headers.GetValues("X-Content-Type-Options").Single());

        var listed = (await _app.Admin.GetFromJsonAsync<JsonArray>("/api/analytics/runs?kind=svg", Ct))!;
        Assert.Equal([id], listed.Select(r => (string)r!["id"]!));
        Assert.Contains("svg", (await _app.Admin.GetFromJsonAsync<string[]>("/api/analytics/kinds", Ct))!);
    }

    [Fact]
    public async Task Bad_requests_are_problems_naming_the_field_and_unknown_runs_are_404()
    {
        var unknownKind = await _app.Admin.PostAsJsonAsync("/api/analytics/runs", new { kind = "astrology" }, Ct);
        var badParameter = await _app.Admin.PostAsJsonAsync("/api/analytics/runs", new { kind = "svg", parameters = new { label = 7 } }, Ct);
        var missing = await _app.Admin.GetAsync("/api/analytics/runs/run_nope", Ct);
        var noArtifact = await _app.Admin.GetAsync("/api/analytics/runs/run_nope/artifacts/x.svg", Ct);
        var badLimit = await _app.Admin.GetAsync("/api/analytics/runs?limit=0", Ct);
        var anonymous = await new HttpClient { BaseAddress = _app.Admin.BaseAddress }.GetAsync("/api/analytics/runs", Ct);

        Assert.Equal((HttpStatusCode.BadRequest, "kind"), (unknownKind.StatusCode, await FieldAsync(unknownKind)));
        Assert.Equal((HttpStatusCode.BadRequest, "parameters.label"), (badParameter.StatusCode, await FieldAsync(badParameter)));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, noArtifact.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badLimit.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Empty((await _app.Admin.GetFromJsonAsync<JsonArray>("/api/analytics/runs", Ct))!);
    }

    private static async Task<string?> FieldAsync(HttpResponseMessage response) =>
        (string?)(await response.Content.ReadFromJsonAsync<JsonObject>(Ct))!["errors"]![0]!["field"];

    private async Task<JsonObject> WaitUntilFinishedAsync(string id)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var run = (await _app.Admin.GetFromJsonAsync<JsonObject>($"/api/analytics/runs/{id}", Ct))!;
            if ((string)run["status"]! is "succeeded" or "failed") return run;
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"run {id} did not finish: {run.ToJsonString()}");
            await Task.Delay(20, Ct);
        }
    }

    /// <summary>A job whose result and chart carry a label given by the caller (hostile in the test).</summary>
    private sealed class SvgJob : AnalyticsJob<SvgJob.Parameters>
    {
        public sealed record Parameters(string Label = "");

        public override string Kind => "svg";

        protected override OperationProblem? Validate(Parameters parameters) => null;

        protected override Task<OperationResult<AnalyticsOutput>> RunAsync(Parameters parameters, AnalyticsRequest request, IProgress<AnalyticsProgress> progress, CancellationToken ct) =>
            Task.FromResult<OperationResult<AnalyticsOutput>>(new AnalyticsOutput(JsonSerializer.SerializeToElement(new { label = parameters.Label }),
                [new AnalyticsArtifact("chart.svg", "image/svg+xml", Encoding.UTF8.GetBytes($"<svg xmlns=\"http://www.w3.org/2000/svg\"><text>{parameters.Label}</text></svg>"))]));
    }
}
