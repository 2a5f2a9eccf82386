using System.Net;
using Tailor.Server.Tests.Hosting;

namespace Tailor.Server.Tests.Triggers;

/// <summary>The trigger API: validation with positions, listing, enable/disable, and the dry run.</summary>
public sealed class TriggersApiTests
{
    [Fact]
    public async Task An_invalid_definition_is_refused_with_the_json_path_and_rule_and_is_not_saved()
    {
        await using var app = await TriggerApp.StartAsync();
        using var bad = await app.Admin.PostRawAsync("/api/triggers", """
            {"name": "Bad", "start": {"event": "Product Added"}, "steps": [{"wait": "30m"}, {"if": "performed Order Completed"}]}
            """);
        await bad.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "$.steps[1].if", "line 1, column 11: expected an event name in quotes, found 'Order'");
        using var validate = await app.Admin.PostRawAsync("/api/triggers/validate", """{"name": "x", "start": {"segment": "Nope"}, "steps": [{"wait": "1m"}]}""");
        await validate.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "$.start.segment", "there is no segment 'Nope'");
        Assert.Empty(await app.Admin.GetArrayAsync("/api/triggers"));

        using var ok = await app.Admin.PostRawAsync("/api/triggers/validate", """{"name": "x", "start": {"event": "A"}, "steps": [{"wait": "1m"}]}""");
        await ok.ShouldBeAsync(HttpStatusCode.OK);
        Assert.True((bool)(await ok.JsonAsync())["valid"]!);
    }

    [Fact]
    public async Task Triggers_are_listed_fetched_by_id_or_name_and_names_are_unique()
    {
        await using var app = await TriggerApp.StartAsync();
        var id = await app.CreateTriggerAsync("""{"name": "Listed", "start": {"event": "A"}, "steps": [{"wait": "1m"}]}""");
        Assert.Equal(id, (string)(await app.Admin.GetObjectAsync("/api/triggers/Listed"))["id"]!);
        Assert.Equal("A", (string)(await app.Admin.GetObjectAsync($"/api/triggers/{id}"))["definition"]!["start"]!["event"]!);
        Assert.Single(await app.Admin.GetArrayAsync("/api/triggers"));
        using var twice = await app.Admin.PostRawAsync("/api/triggers", """{"name": "Listed", "start": {"event": "B"}, "steps": [{"wait": "1m"}]}""");
        await twice.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "$.name", "must be unique");
        using var missing = await app.Admin.GetResponseAsync("/api/triggers/nope/runs");
        await missing.ShouldBeAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_disabled_trigger_lets_no_one_in_and_its_waiting_runs_exit_when_due()
    {
        await using var app = await TriggerApp.StartAsync();
        var id = await app.CreateTriggerAsync("""{"name": "Toggle", "start": {"event": "Product Added"}, "steps": [{"wait": "1h"}, {"action": {"profile": {"addTags": ["x"]}}}]}""");
        await app.IdentifyAsync("toggle", null);
        await app.TrackAsync("toggle", "Product Added", app.Now);
        await app.WaitForRunsAsync(id, r => r.Count == 1);

        using (var off = await app.Admin.PostObjectAsync($"/api/triggers/{id}/disable", new { }))
        {
            await off.ShouldBeAsync(HttpStatusCode.OK);
            Assert.False((bool)(await off.JsonAsync())["enabled"]!);
        }
        await app.TrackAsync("toggle", "Product Added", app.Now.AddMinutes(1));
        await app.AdvanceAsync(TimeSpan.FromHours(2));
        var runs = await app.WaitForRunsAsync(id, r => r[0].Status() != "waiting");
        Assert.Single(runs);
        Assert.Equal("trigger disabled", runs[0].Outcome());

        using (var on = await app.Admin.PostObjectAsync($"/api/triggers/{id}/enable", new { }))
            await on.ShouldBeAsync(HttpStatusCode.OK);
        await app.TrackAsync("toggle", "Product Added", app.Now);
        await app.WaitForRunsAsync(id, r => r.Count == 2);
    }

    [Fact]
    public async Task A_dry_run_says_what_would_happen_for_a_profile_without_storing_or_sending_anything()
    {
        await using var app = await TriggerApp.StartAsync();
        var id = await app.CreateTriggerAsync("""
            {"name": "Dry", "start": {"event": "Product Added"},
             "steps": [{"wait": "30m"}, {"if": "has tag \"vip\"", "else": "plain"},
                       {"action": {"email": {"subject": "VIP {{ profile.traits.first_name }}", "body": "b"}}}, {"exit": "vip"},
                       {"id": "plain", "action": {"email": {"subject": "Plain", "body": "b"}}}]}
            """);
        await app.IdentifyAsync("dry", "dry@example.test");
        var profile = await app.ProfileIdAsync("dry");

        using var response = await app.Admin.PostObjectAsync($"/api/triggers/{id}/test", new { profileId = profile });
        await response.ShouldBeAsync(HttpStatusCode.OK);
        var result = await response.JsonAsync();
        var kinds = result["steps"]!.AsArray().Select(s => (string)s!["kind"]!).ToList();
        Assert.Equal(["entered", "waiting", "resumed", "condition", "action", "consent-refused", "completed"], kinds);
        Assert.Equal("completed", (string)result["status"]!);
        Assert.Empty((await app.RunsAsync(id))["runs"]!.AsArray());

        using var unknown = await app.Admin.PostObjectAsync($"/api/triggers/{id}/test", new { profileId = "nope" });
        await unknown.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "profileId", "must name an existing profile");
    }
}
