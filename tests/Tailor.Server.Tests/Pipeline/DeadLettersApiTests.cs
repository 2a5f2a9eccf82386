using System.Net;
using System.Text.Json.Nodes;
using Tailor.Server.Tests.Hosting;

namespace Tailor.Server.Tests.Pipeline;

/// <summary><c>/api/dead-letters</c> errors are problem documents naming the field and rule; the status lists every follower.</summary>
public sealed class DeadLettersApiTests(TailorAppFixture app)
{
    [Fact]
    public async Task Unknown_entries_bad_limits_and_unknown_stages_are_problems()
    {
        using (var missing = await app.Admin.GetResponseAsync("/api/dead-letters/987654321"))
        {
            await missing.ShouldBeAsync(HttpStatusCode.NotFound);
            Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);
            Assert.Contains("987654321", (string)(await missing.JsonAsync())["title"]!, StringComparison.Ordinal);
        }
        using (var replayMissing = await app.Admin.PostObjectAsync("/api/dead-letters/987654321/replay", new { }))
            await replayMissing.ShouldBeAsync(HttpStatusCode.NotFound);
        using (var limit = await app.Admin.GetResponseAsync("/api/dead-letters?limit=0"))
            await limit.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "limit", "must be between 1 and 1000");
        using (var noStage = await app.Admin.PostObjectAsync("/api/dead-letters/replay", new { }))
            await noStage.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "stage", "is required");
        using (var badStage = await app.Admin.PostObjectAsync("/api/dead-letters/replay?stage=nope", new { }))
        {
            // The list grows as components register replays (the tracking plan adds its own stage).
            var rule = (string)(await badStage.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "stage", "must be a stage that can be replayed: "))["rule"]!;
            Assert.All(new[] { "campaigns", "deliveries", "profiles", "segments", "triggers" }, stage => Assert.Contains(stage, rule, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Pipeline_status_reports_every_follower_with_its_state_lag_and_dead_letters()
    {
        var status = await PipelineProgress.WaitUntilCaughtUpAsync(app.Admin);
        var followers = status["followers"]!.AsArray().Select(f => f!.AsObject()).ToList();
        Assert.Equal(["profiles", "segments", "triggers", "deliveries", "campaigns", "analytics", "rfm", "experiments", "destinations", "sources"], followers.Select(f => (string)f["name"]!));
        Assert.All(followers, f => Assert.Contains((string)f["state"]!, new[] { "running", "starting" }));
        Assert.All(followers, f => Assert.True(f.ContainsKey("lag") && f.ContainsKey("deadLetters") && f.ContainsKey("failures")));
        Assert.Equal(0L, (long)followers[0]["lag"]!);
        Assert.Equal((long)status["pipelinePosition"]!, (long)followers[0]["position"]!);
        Assert.True(status["deadLetters"] is JsonValue);
    }
}
