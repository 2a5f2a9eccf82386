using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Tailor.Server.Tests.Hosting;
using Tailor.Server.Tests.Triggers;

namespace Tailor.Server.Tests.Privacy;

/// <summary>A profile's consent history through the API and in the export; event retention on the node's clock, shown on the pipeline status.</summary>
public sealed class ConsentHistoryAndRetentionTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_consent_page_shows_the_answer_now_and_every_change_with_source_place_and_version()
    {
        await using var app = await TriggerApp.StartAsync();
        await app.Ingest.SendAsync("/v1/track", new
        {
            userId = "consent-ann", @event = "Signed Up", timestamp = Http.Iso(app.Now),
            context = new { page = new { url = "https://shop.example/signup" }, consent = new { version = "cookies-v3", categoryPreferences = new { analytics = true, email = true } } },
        });
        await PipelineProgress.WaitUntilCaughtUpAsync(app.Admin);
        var id = await app.ProfileIdAsync("consent-ann");
        using (var put = await app.Admin.PutAsync($"/api/profiles/{id}/consent", JsonContent.Create(new { purposes = new { email = false } }), Ct))
            Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync(Ct));
        await PipelineProgress.WaitUntilCaughtUpAsync(app.Admin);

        var consent = await app.Admin.GetObjectAsync($"/api/profiles/{id}/consent");

        Assert.False((bool)consent["current"]!["email"]!["granted"]!);
        Assert.True((bool)consent["current"]!["analytics"]!["granted"]!);
        Assert.Equal("cookies-v3", (string)consent["current"]!["analytics"]!["version"]!);
        var history = consent["history"]!.AsArray();
        Assert.Equal([("analytics", true, "https://shop.example/signup"), ("email", true, "https://shop.example/signup"), ("email", false, null)],
            history.Select(h => ((string)h!["purpose"]!, (bool)h["granted"]!, (string?)h["where"])));
        Assert.Equal("api", (string)history[2]!["source"]!); // the admin's change, through Tailor itself
        using (var missing = await app.Admin.GetAsync("/api/profiles/nobody/consent", Ct)) Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        using var export = await app.Admin.GetAsync($"/api/privacy/export?type=userId&value=consent-ann", Ct);
        var archive = JsonNode.Parse(await export.Content.ReadAsStringAsync(Ct))!;
        Assert.Equal(3, archive["consentHistory"]!.AsArray().Count);
    }

    [Fact]
    public async Task Retention_deletes_old_page_views_on_its_schedule_keeps_the_counts_and_shows_its_last_run()
    {
        await using var app = await TriggerApp.StartAsync(configure: o =>
        {
            o.Privacy.EventRetention["Page Viewed"] = "30d";
            o.Privacy.EventRetentionEvery = TimeSpan.FromHours(1);
        });
        var old = app.Now.AddDays(-40);
        for (var i = 0; i < 3; i++) await app.TrackAsync("kept-bob", "Page Viewed", old.AddMinutes(i));
        await app.TrackAsync("kept-bob", "Page Viewed", app.Now);
        await app.TrackAsync("kept-bob", "Order Completed", old);
        await app.TrackAsync("kept-bob", "Product Added", app.Now); // the newest row, never deleted
        await PipelineProgress.WaitUntilCaughtUpAsync(app.Admin);
        await SegmentsCaughtUpAsync(app);

        var run = await WaitForRetentionAsync(app, deleted => deleted == 3);

        Assert.Equal(3, (long)run["deleted"]!);
        var profile = await app.Admin.LookupAsync("userId", "kept-bob");
        Assert.Equal(4, (int)profile["computed"]!["eventCounts"]!["Page Viewed"]!); // computed traits hold the aggregate
        var events = await app.Admin.GetArrayAsync($"/api/profiles/{profile.Id()}/events");
        Assert.Equal(["Order Completed", "Page Viewed", "Product Added"], events.Select(e => (string)e!["name"]!).Order());
    }

    private static async Task SegmentsCaughtUpAsync(TriggerApp app)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var status = await app.Admin.GetObjectAsync("/api/pipeline");
            var segments = status["followers"]!.AsArray().Single(f => (string)f!["name"]! == "segments");
            if ((long?)segments!["position"] == (long)status["logPosition"]!) return;
            if (clock.Elapsed > TimeSpan.FromSeconds(30)) Assert.Fail($"segments did not catch up: {status.ToJsonString()}");
            await Task.Delay(20, Ct);
        }
    }

    /// <summary>
    /// Moves the node's clock an hour at a time until the retention run recorded on the status satisfies
    /// <paramref name="done"/>. The clock moves on only once the run of the current hour is recorded: moving it
    /// while a run is under way queues the next tick, and the run that deleted something would be overwritten by
    /// the next one (which finds nothing) before the status was read.
    /// </summary>
    private static async Task<JsonObject> WaitForRetentionAsync(TriggerApp app, Func<long, bool> done)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var status = await app.Admin.GetObjectAsync("/api/pipeline");
            var run = status["privacy"]?["lastRetentionRun"] as JsonObject;
            if (run is not null && done((long)run["deleted"]!)) return run;
            if (clock.Elapsed > TimeSpan.FromSeconds(30)) Assert.Fail($"No retention run deleted what was expected: {status.ToJsonString()}");
            if (run is not null && DateTimeOffset.Parse((string)run["at"]!, CultureInfo.InvariantCulture) >= app.Time.GetUtcNow())
                app.Time.Advance(TimeSpan.FromHours(1)); // this hour's run is recorded: on to the next
            await Task.Delay(50, Ct);
        }
    }
}
