using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Tailor.Server.Tests.Hosting;
using Tailor.Server.Tests.Triggers;
using static Tailor.Server.Tests.Destinations.DestinationTestSupport;

namespace Tailor.Server.Tests.Destinations;

/// <summary><c>GET /api/pipeline</c> lists each destination: its position, lag, last error and whether it is paused.</summary>
public sealed class PipelineDestinationsTests : IDisposable
{
    private readonly string _export = TempDirectory.Create("pipeline-export");
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        try { Directory.Delete(_export, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task Each_destination_has_a_row_with_position_lag_last_error_and_paused()
    {
        await using var app = await TriggerApp.StartAsync();
        var lake = await CreateAsync(app.Admin, new { name = "lake", kind = "parquet", settings = new { directory = _export, tables = new[] { "events" } } });
        // Nothing listens on port 1 of loopback: every batch fails, and the error is kept.
        var broken = await CreateAsync(app.Admin, new { name = "broken", kind = "segment", settings = new { url = "http://127.0.0.1:1/", maxWaitSeconds = 0, types = new[] { "track" } } });
        await app.IdentifyAsync("row-ann", "row-ann@example.com", "data sharing");
        for (var i = 0; i < 5; i++) await app.TrackAsync("row-ann", "Order Completed", app.Now, new { revenue = 10 + i });
        await PipelineProgress.WaitUntilCaughtUpAsync(app.Admin);

        var (pipeline, rows) = await WaitForRowsAsync(app.Admin, r => (long)r["lake"]!["lag"]! == 0 && r["broken"]!["lastError"] is not null);
        var logPosition = (long)pipeline["logPosition"]!;
        Assert.Equal(["broken", "lake"], pipeline["destinations"]!.AsArray().Select(d => (string)d!["name"]!));
        var lakeRow = rows["lake"]!;
        Assert.Equal(lake, (string)lakeRow["id"]!);
        Assert.Equal(logPosition, (long)lakeRow["position"]!);
        Assert.Equal("running", (string)lakeRow["state"]!);
        Assert.False((bool)lakeRow["paused"]!);
        Assert.Null(lakeRow["lastError"]);
        var brokenRow = rows["broken"]!;
        Assert.Equal(broken, (string)brokenRow["id"]!);
        Assert.Equal("failing", (string)brokenRow["state"]!);
        Assert.True((long)brokenRow["lag"]! > 0);
        Assert.Equal(logPosition - (long)brokenRow["position"]!, (long)brokenRow["lag"]!);

        using (var paused = await app.Admin.PostAsync($"/api/destinations/{broken}/pause", null, Ct)) await paused.ShouldBeAsync(HttpStatusCode.OK);
        var (_, after) = await WaitForRowsAsync(app.Admin, r => (bool)r["broken"]!["paused"]!);
        Assert.Equal("paused", (string)after["broken"]!["state"]!);
        Assert.False((bool)after["lake"]!["paused"]!);
    }

    /// <summary>Polls <c>GET /api/pipeline</c> until its destination rows (by name) satisfy <paramref name="done"/>.</summary>
    private static async Task<(JsonObject Pipeline, Dictionary<string, JsonNode> Rows)> WaitForRowsAsync(HttpClient admin, Func<Dictionary<string, JsonNode>, bool> done)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var pipeline = await admin.GetObjectAsync("/api/pipeline");
            var rows = pipeline["destinations"]!.AsArray().ToDictionary(d => (string)d!["name"]!, d => d!);
            if (rows.Count == 2 && done(rows)) return (pipeline, rows);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"The destination rows did not reach the expected state: {pipeline.ToJsonString()}");
            await Task.Delay(20, Ct);
        }
    }
}
