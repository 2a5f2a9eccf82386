using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Tailor.Server.Tests.Hosting;
using Tailor.Server.Tests.Segments;
using Tailor.Server.Tests.Triggers;

namespace Tailor.Server.Tests.Pipeline;

/// <summary>
/// Fault injection, one test per stage: the stage fails on one chosen item every time; the host retries it, isolates
/// it, sets it aside in the dead-letter store with the stage and the reason, and the items after it are processed.
/// The fault then heals and the dead letter is replayed, once.
/// </summary>
public sealed class QuarantineTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Moves the fake clock (the host's backoff runs on it) until <paramref name="done"/> holds; bounded in wall time.</summary>
    private static async Task<T> AdvanceUntilAsync<T>(TriggerApp app, Func<Task<T?>> done, string what) where T : class
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (await done() is { } result) return result;
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(45), $"never: {what}");
            app.Time.Advance(TimeSpan.FromSeconds(2));
            await Task.Delay(50, Ct);
        }
    }

    private static async Task<JsonArray> DeadLettersAsync(TriggerApp app, string stage) =>
        (await app.Admin.GetArrayAsync($"/api/dead-letters?stage={stage}"));

    private static async Task<JsonObject?> OnlyDeadLetterAsync(TriggerApp app, string stage) =>
        (await DeadLettersAsync(app, stage)) is [JsonObject one] ? one : null;

    private static async Task<JsonObject> FollowerAsync(TriggerApp app, string name) =>
        (JsonObject)(await app.Admin.GetObjectAsync("/api/pipeline"))["followers"]!.AsArray().Single(f => (string)f!["name"]! == name)!;

    private static async Task<JsonObject> ReplayAsync(TriggerApp app, long id)
    {
        using var response = await app.Admin.PostObjectAsync($"/api/dead-letters/{id}/replay", new { });
        await response.ShouldBeAsync(HttpStatusCode.OK);
        return await response.JsonAsync();
    }

    private static void AssertSetAside(JsonObject letter, string stage, string key)
    {
        Assert.Equal(stage, (string)letter["stage"]!);
        Assert.Equal(key, (string)letter["key"]!);
        Assert.Equal($"injected fault on {stage} {key}", (string)letter["reason"]!);
        Assert.Equal("System.InvalidOperationException", (string)letter["errorType"]!);
        Assert.Null(letter["replayedAt"]);
    }

    [Fact]
    public async Task Profile_pipeline_sets_aside_the_event_it_cannot_fold_and_folds_the_rest()
    {
        var probe = new FaultProbe();
        probe.FailOn("profiles", "2");
        await using var app = await TriggerApp.StartAsync(probe: probe);
        foreach (var user in new[] { "p-1", "p-2", "p-3" }) await app.IdentifyAsync(user, $"{user}@example.com");

        var letter = await AdvanceUntilAsync(app, () => OnlyDeadLetterAsync(app, "profiles"), "the poison event is set aside");
        AssertSetAside(letter, "profiles", "2");
        Assert.Equal(3, (int)letter["attempts"]!);
        Assert.Contains("p-2@example.com", (string)letter["payload"]!, StringComparison.Ordinal);
        await PipelineProgress.WaitUntilCaughtUpAsync(app.Admin); // the position moved past it with the set-aside
        Assert.Equal("p-3@example.com", (string)(await app.Admin.LookupAsync("userId", "p-3"))["traits"]!["email"]!);
        using (var missing = await app.Admin.GetAsync("/api/profiles/lookup?type=userId&value=p-2", Ct)) Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        var follower = await FollowerAsync(app, "profiles");
        Assert.Equal((1L, 0L, "running"), ((long)follower["deadLetters"]!, (long)follower["lag"]!, (string)follower["state"]!));

        probe.Heal();
        var replayed = await ReplayAsync(app, (long)letter["id"]!);
        Assert.Equal("replayed", (string)replayed["status"]!);
        await PipelineProgress.WaitUntilCaughtUpAsync(app.Admin); // the event went back into the log; the pipeline folds it
        Assert.Equal("p-2@example.com", (string)(await app.Admin.LookupAsync("userId", "p-2"))["traits"]!["email"]!);
        Assert.Equal("already-replayed", (string)(await ReplayAsync(app, (long)letter["id"]!))["status"]!);
        await PipelineProgress.WaitUntilCaughtUpAsync(app.Admin);
        Assert.Equal(0L, (long)(await FollowerAsync(app, "profiles"))["deadLetters"]!);
        Assert.Single(await app.Admin.EventsAsync((await app.Admin.LookupAsync("userId", "p-2")).Id()));
    }

    [Fact]
    public async Task Segment_engine_sets_aside_the_event_it_cannot_evaluate_and_evaluates_the_rest()
    {
        var probe = new FaultProbe();
        await using var app = await TriggerApp.StartAsync(probe: probe);
        using (var s = await app.Admin.PostObjectAsync("/api/segments", new { name = "Pros", rule = "trait plan = \"pro\"" })) await s.ShouldBeAsync(HttpStatusCode.Created);
        probe.FailOn("segments", "event:2");
        foreach (var user in new[] { "s-1", "s-2", "s-3" })
            await app.Ingest.SendAsync("/v1/identify", new { userId = user, traits = new { plan = "pro" } });

        var letter = await AdvanceUntilAsync(app, () => OnlyDeadLetterAsync(app, "segments"), "the poison event is set aside");
        AssertSetAside(letter, "segments", "event:2");
        await app.Admin.WaitForSegmentsAsync("s-3", names => names.Contains("Pros"));
        await app.Admin.WaitForSegmentsAsync("s-1", names => names.Contains("Pros"));
        await app.Admin.WaitForSegmentsAsync("s-2", names => !names.Contains("Pros"));

        probe.Heal();
        Assert.Equal("replayed", (string)(await ReplayAsync(app, (long)letter["id"]!))["status"]!);
        await app.Admin.WaitForSegmentsAsync("s-2", names => names.Contains("Pros"));
        Assert.Equal("already-replayed", (string)(await ReplayAsync(app, (long)letter["id"]!))["status"]!);
    }

    [Fact]
    public async Task Trigger_engine_sets_aside_the_event_it_cannot_run_and_runs_the_rest()
    {
        var probe = new FaultProbe();
        await using var app = await TriggerApp.StartAsync(probe: probe);
        var trigger = await app.CreateTriggerAsync("""
            {"name": "Tagger", "start": {"event": "Product Added"}, "steps": [{"action": {"profile": {"addTags": ["shopper"]}}}]}
            """);
        probe.FailOn("triggers", "event:2");
        // One batch, so the three events take log positions 1-3 together: sent one by one, t-1's run could tag her (an
        // event the profile-change channel appends) before t-2 arrives, and position 2 would be that event.
        await app.Ingest.SendAsync("/v1/batch", new
        {
            batch = new[] { "t-1", "t-2", "t-3" }.Select(user => new { type = "track", userId = user, @event = "Product Added", timestamp = Http.Iso(app.Now) }).ToArray(),
        });

        var letter = await AdvanceUntilAsync(app, () => OnlyDeadLetterAsync(app, "triggers"), "the poison event is set aside");
        AssertSetAside(letter, "triggers", "event:2");
        Assert.Contains("t-2", (string)letter["payload"]!, StringComparison.Ordinal);
        var runs = await app.WaitForRunsAsync(trigger, r => r.Count == 2);
        var t2 = await app.ProfileIdAsync("t-2");
        Assert.DoesNotContain(runs, r => (string)r!["profileId"]! == t2);

        probe.Heal();
        Assert.Equal("replayed", (string)(await ReplayAsync(app, (long)letter["id"]!))["status"]!);
        await app.WaitForRunsAsync(trigger, r => r.Count == 3);
        Assert.Equal("already-replayed", (string)(await ReplayAsync(app, (long)letter["id"]!))["status"]!);
        Assert.Single((await app.RunsAsync(trigger, t2))["runs"]!.AsArray());
    }

    [Fact]
    public async Task Delivery_worker_sets_aside_the_delivery_that_throws_and_delivers_the_rest()
    {
        var probe = new FaultProbe();
        await using var app = await TriggerApp.StartAsync(probe: probe);
        var trigger = await app.CreateTriggerAsync("""
            {"name": "Tagger", "start": {"event": "Product Added"}, "steps": [{"action": {"profile": {"addTags": ["shopper"]}}}]}
            """);
        probe.FailOnFirst("deliveries");
        await app.TrackAsync("d-1", "Product Added", app.Now);
        await app.WaitForRunsAsync(trigger, r => r.Count == 1);
        // d-1's delivery must be the first one tried (the one that fails) before the others exist: on a busy machine the
        // worker could otherwise meet d-2's first.
        await AdvanceUntilAsync(app, () => Task.FromResult(probe.Seen.Any(s => s.Stage == "deliveries") ? "tried" : null), "d-1's delivery is tried");
        foreach (var user in new[] { "d-2", "d-3" }) await app.TrackAsync(user, "Product Added", app.Now);

        // A delivery that throws is retried on its durable backoff, then dead, and set aside.
        var letter = await AdvanceUntilAsync(app, () => OnlyDeadLetterAsync(app, "deliveries"), "the throwing delivery is set aside");
        var runs = await app.RunsAsync(trigger, await app.ProfileIdAsync("d-1"));
        var deliveryId = (string)letter["key"]!;
        Assert.StartsWith((string)runs["runs"]![0]!["id"]!, deliveryId, StringComparison.Ordinal);
        AssertSetAside(letter, "deliveries", deliveryId);
        foreach (var user in new[] { "d-2", "d-3" }) await WaitForTagAsync(app, user, has: true);
        await WaitForTagAsync(app, "d-1", has: false);

        probe.Heal();
        Assert.Equal("replayed", (string)(await ReplayAsync(app, (long)letter["id"]!))["status"]!);
        await WaitForTagAsync(app, "d-1", has: true);
        Assert.Equal("already-replayed", (string)(await ReplayAsync(app, (long)letter["id"]!))["status"]!);
    }

    private static async Task WaitForTagAsync(TriggerApp app, string userId, bool has)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            await PipelineProgress.WaitUntilCaughtUpAsync(app.Admin);
            var tags = (await app.Admin.LookupAsync("userId", userId))["tags"]?.ToJsonString() ?? "";
            if (tags.Contains("shopper", StringComparison.Ordinal) == has) return;
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"{userId} tags: {tags}");
            await Task.Delay(50, Ct);
        }
    }

    [Fact]
    public async Task Campaign_sender_sets_aside_the_recipient_whose_send_throws_and_sends_to_the_rest()
    {
        var probe = new FaultProbe();
        await using var app = await TriggerApp.StartAsync(smtp: true, probe: probe);
        using (var s = await app.Admin.PostObjectAsync("/api/segments", new { name = "Newsletter", rule = "trait cohort = \"news\"" })) await s.ShouldBeAsync(HttpStatusCode.Created);
        using (var t = await app.Admin.PostObjectAsync("/api/templates", new { name = "news", subject = "News", body = "Hello {{ profile.first_name }}" }))
            await t.ShouldBeAsync(HttpStatusCode.Created);
        foreach (var user in new[] { "c-1", "c-2", "c-3" })
        {
            await app.Ingest.SendAsync("/v1/identify", new
            {
                userId = user, traits = new { first_name = user, email = SmtpSink.NewRecipient(user), cohort = "news", consent = new { email = true } },
            });
            await app.Admin.WaitForSegmentsAsync(user, names => names.Contains("Newsletter"));
        }
        using var created = await app.Admin.PostObjectAsync("/api/campaigns", new { name = "Spring news", template = "news", segment = "Newsletter" });
        await created.ShouldBeAsync(HttpStatusCode.Created);
        var campaign = (string)(await created.JsonAsync())["id"]!;
        var c2 = await app.ProfileIdAsync("c-2");
        probe.FailOn("campaigns", $"{campaign}:{c2}");

        using (var send = await app.Admin.PostObjectAsync($"/api/campaigns/{campaign}/send", new { })) await send.ShouldBeAsync(HttpStatusCode.Accepted);
        var done = await AdvanceUntilAsync(app, async () => await app.Admin.GetObjectAsync($"/api/campaigns/{campaign}") is var c && (string)c["status"]! == "completed" ? c : null,
            "the campaign completes");
        Assert.Equal((2L, 1L), ((long)done["counts"]!["sent"]!, (long)done["counts"]!["failed"]!));
        var letter = Assert.IsType<JsonObject>(await OnlyDeadLetterAsync(app, "campaigns"));
        AssertSetAside(letter, "campaigns", $"{campaign}:{c2}");

        probe.Heal();
        var replayed = await ReplayAsync(app, (long)letter["id"]!);
        Assert.Equal("replayed", (string)replayed["status"]!);
        Assert.Contains("sent", (string)replayed["letter"]!["replayNote"]!, StringComparison.Ordinal);
        Assert.Equal(3L, (long)(await app.Admin.GetObjectAsync($"/api/campaigns/{campaign}"))["counts"]!["sent"]!);
        Assert.Equal("already-replayed", (string)(await ReplayAsync(app, (long)letter["id"]!))["status"]!);
        Assert.Equal(3L, (long)(await app.Admin.GetObjectAsync($"/api/campaigns/{campaign}"))["counts"]!["sent"]!);
    }
}
