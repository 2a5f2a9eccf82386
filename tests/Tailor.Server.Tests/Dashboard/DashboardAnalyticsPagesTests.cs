using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Tailor.Server.Dashboard;
using Tailor.Server.Tests.Hosting;

namespace Tailor.Server.Tests.Dashboard;

/// <summary>
/// The analytics pages read stored runs through <c>AnalyticsRuns</c>, as <c>/api/analytics/runs</c> does: a clustering
/// run's elbow and silhouette charts (SVG drawn on the server, their figures in the text alternative) and cluster
/// profiles, and any run's figures (model evaluation, recommendation metrics) by their paths in the stored result.
/// </summary>
public sealed partial class DashboardAnalyticsPagesTests(TailorAppFixture app)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [GeneratedRegex("alt=\"Within-cluster sum of squares by k: ([^\"]+)\"")]
    private static partial Regex ElbowAlt();

    [Fact]
    public async Task A_clustering_run_shows_its_elbow_and_silhouette_charts_and_cluster_profiles_as_stored()
    {
        // Three tight, far-apart groups of 8 profiles on two traits of this test's own.
        var run = Guid.NewGuid().ToString("N")[..8];
        var (spend, visits) = ($"spend_{run}", $"visits_{run}");
        var centres = new[] { (10.0, 1.0), (500.0, 40.0), (1000.0, 90.0) };
        for (var g = 0; g < centres.Length; g++)
            for (var i = 0; i < 8; i++)
                await app.Ingest.SendAsync("/v1/identify", new { userId = $"cl-{run}-{g}-{i}", traits = new Dictionary<string, object> { [spend] = centres[g].Item1 + i, [visits] = centres[g].Item2 + i % 3 } });
        await app.WaitForPipelineAsync();
        using var started = await app.Admin.PostObjectAsync("/api/analytics/runs", new { kind = "cluster", parameters = new { traits = new[] { spend, visits }, minK = 2, maxK = 5, restarts = 3 } });
        await started.ShouldBeAsync(HttpStatusCode.Accepted);
        var id = (string)(await started.JsonAsync())["id"]!;
        var stored = await FinishedAsync(id);
        Assert.Equal("succeeded", (string)stored["status"]!);
        var result = stored["result"]!;
        using var browser = await DashboardClient.SignedInAsync(app, app.AdminKey);

        var list = await browser.PageAsync("/analytics?kind=cluster");
        Assert.Contains($"href=\"/analytics/runs/{id}\"", list, StringComparison.Ordinal);
        Assert.Contains("href=\"/analytics\"", list, StringComparison.Ordinal); // in the navigation

        var page = await browser.PageAsync($"/analytics/runs/{id}");
        Assert.Equal(2, Regex.Count(page, "<img src=\"data:image/svg(\\+|&#x2B;)xml;base64,")); // elbow and silhouette, drawn on the server
        // The elbow's text alternative carries the stored figures, k by k.
        var expected = string.Join("; ", result["evaluations"]!.AsArray().Select(e => $"k={(int)e!["k"]!}: {((double)e["withinClusterSumOfSquares"]!).ToString("0.##", System.Globalization.CultureInfo.InvariantCulture)}"));
        Assert.Equal(expected, WebUtility.HtmlDecode(ElbowAlt().Match(page).Groups[1].Value));
        Assert.Contains(WebUtility.HtmlEncode((string)result["suggestion"]!["reason"]!), page, StringComparison.Ordinal);
        // One profile row per stored cluster, with its size; the three groups are found.
        var clusters = result["clusters"]!.AsArray();
        Assert.Equal(3, (int)result["k"]!);
        var table = Regex.Match(page, "<table aria-labelledby=\"clusters\" data-clusters>(.*?)</table>", RegexOptions.Singleline).Groups[1].Value;
        Assert.Equal(clusters.Count, Regex.Count(table, "<tr>") - 1);
        Assert.Equal([8, 8, 8], clusters.Select(c => (int)c!["size"]!).Order());
        Assert.Contains($"{spend} (mean)", table, StringComparison.Ordinal);
        await browser.PageAsync("/analytics/runs/run_missing", HttpStatusCode.NotFound);
    }

    [Fact]
    public void A_result_is_read_as_figures_by_path_bounded()
    {
        using var json = JsonDocument.Parse("""
            {"verdict": "gradient boosting beats the baseline", "validation": {"gradientBoosting": {"meanAuc": 0.81234567, "folds": [0.8, 0.82]}, "rows": 12000},
             "metrics": {"precisionAt10": 0.125, "coverage": 0.5}, "items": [{"id": "a"}, {"id": "b"}], "empty": null}
            """);
        var rows = RunFigures.Of(json.RootElement);
        Assert.Equal([
            ("verdict", "gradient boosting beats the baseline"),
            ("validation.gradientBoosting.meanAuc", "0.8123"),
            ("validation.gradientBoosting.folds", "0.8, 0.82"),
            ("validation.rows", "12,000"),
            ("metrics.precisionAt10", "0.125"),
            ("metrics.coverage", "0.5"),
            ("items[0].id", "a"),
            ("items[1].id", "b"),
        ], rows);

        using var huge = JsonDocument.Parse("[" + string.Join(",", Enumerable.Range(0, 1000).Select(i => $"{{\"x\":{i}}}")) + "]");
        var bounded = RunFigures.Of(huge.RootElement);
        Assert.Equal(RunFigures.MaxItems + 1, bounded.Count);
        Assert.Equal(("", "… 1000 items in all"), bounded[^1]);
    }

    private async Task<JsonObject> FinishedAsync(string id)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var run = await app.Admin.GetObjectAsync($"/api/analytics/runs/{id}");
            if ((string)run["status"]! is "succeeded" or "failed") return run;
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"run {id} did not finish: {run.ToJsonString()}");
            await Task.Delay(20, Ct);
        }
    }
}
