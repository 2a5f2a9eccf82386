using System.Net;
using System.Text.Json.Nodes;
using Tailor.Core.Experiments;
using Tailor.Server.Tests.Content;
using Tailor.Server.Tests.Hosting;

namespace Tailor.Server.Tests.Experiments;

/// <summary>
/// Experiments over real HTTP on the shared app: a placement under test serves each visitor the assigned variant's
/// content and logs the exposure; conversions sent through the tracking API are counted per variant in the results.
/// </summary>
public sealed class ExperimentsEndToEndTests(TailorAppFixture app)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<string> BlockAsync(string body)
    {
        var name = TailorAppFixture.NewId("b").Replace("-", "_", StringComparison.Ordinal);
        using var b = await app.Admin.PostObjectAsync("/api/blocks", new { name, variants = Array.Empty<object>(), @default = new { body } });
        await b.ShouldBeAsync(HttpStatusCode.Created);
        return name;
    }

    private async Task<string> PlacementAsync(string block)
    {
        var placement = TailorAppFixture.NewId("p").Replace("-", "_", StringComparison.Ordinal);
        using var p = await app.Admin.PostObjectAsync("/api/placements", new { name = placement, block });
        await p.ShouldBeAsync(HttpStatusCode.Created);
        return placement;
    }

    private async Task<string> VerifiedAsync(string userId)
    {
        var secret = (string)(await app.Admin.GetObjectAsync("/api/identity-secret"))["secret"]!;
        return $"userId={Uri.EscapeDataString(userId)}&userHash={PersonalizeApiTests.UserHash(secret, userId)}";
    }

    private async Task<JsonObject> PersonalizeAsync(string placement, string query)
    {
        using var response = await app.Ingest.GetAsync($"/v1/personalize?placement={placement}&{query}", Ct);
        await response.ShouldBeAsync(HttpStatusCode.OK);
        return await response.JsonAsync();
    }

    private static string Key() => TailorAppFixture.NewId("exp")[..24];

    [Fact]
    public async Task A_placement_under_test_serves_the_assigned_variant_and_results_count_exposures_and_conversions_per_variant()
    {
        var control = await BlockAsync("Spring sale");
        var bold = await BlockAsync("SPRING SALE!");
        var placement = await PlacementAsync(control);
        var key = Key();
        using (var created = await app.Admin.PostObjectAsync("/api/experiments", new
        {
            key, name = "Bold banner", subject = new { kind = "placement", name = placement },
            variants = new object[] { new { key = "control" }, new { key = "bold", block = bold } },
            primaryMetric = new { name = "orders", kind = "conversion", @event = "Order Completed", windowHours = 24 },
            secondaryMetrics = new object[] { new { name = "revenue", kind = "sum", @event = "Order Completed", property = "revenue" } },
        })) await created.ShouldBeAsync(HttpStatusCode.Created);
        using (var started = await app.Admin.PostAsync($"/api/experiments/{key}/start", null, Ct)) await started.ShouldBeAsync(HttpStatusCode.OK);

        var users = Enumerable.Range(0, 24).Select(i => TailorAppFixture.NewId($"x{i}")).ToArray();
        foreach (var user in users)
            await app.Ingest.SendAsync("/v1/identify", new { userId = user, traits = new { consent = new { personalization = true } } });
        await app.WaitForPipelineAsync();

        var arms = new Dictionary<string, string>();
        foreach (var user in users)
        {
            var served = await PersonalizeAsync(placement, await VerifiedAsync(user));
            var arm = (string)served["arm"]!;
            arms[user] = arm;
            Assert.Equal(key, (string)served["experiment"]!);
            Assert.Equal(arm == "bold" ? "SPRING SALE!" : "Spring sale", (string)served["content"]!);
            Assert.Equal(arm, (string)(await PersonalizeAsync(placement, await VerifiedAsync(user)))["arm"]!); // the same arm on every visit
        }
        Assert.Equal(2, arms.Values.Distinct().Count());
        // Every other visitor orders, for 10 each; a visitor never shown the placement does not count.
        for (var i = 0; i < users.Length; i += 2)
            await app.Ingest.SendAsync("/v1/track", new { userId = users[i], @event = "Order Completed", properties = new { revenue = 10 } });
        await app.Ingest.SendAsync("/v1/track", new { userId = TailorAppFixture.NewId("bystander"), @event = "Order Completed", properties = new { revenue = 10 } });
        await ExperimentsProgress.WaitUntilTalliedAsync(app.Admin);

        var results = await app.Admin.GetObjectAsync($"/api/experiments/{key}/results");
        foreach (var arm in new[] { "control", "bold" })
        {
            var members = users.Select((u, i) => (u, i)).Where(x => arms[x.u] == arm).ToArray();
            var converted = members.Count(x => x.i % 2 == 0);
            var units = (long)results["arms"]!.AsArray().Single(a => (string)a!["arm"]! == arm)!["units"]!;
            Assert.Equal(members.Length, units);
            var orders = results["metrics"]!.AsArray().Single(m => (string)m!["name"]! == "orders")!["arms"]!.AsArray().Single(a => (string)a!["arm"]! == arm)!;
            Assert.Equal((long)members.Length, (long)orders["sums"]!["units"]!);
            Assert.Equal((double)converted, (double)orders["sums"]!["sum"]!);
            var revenue = results["metrics"]!.AsArray().Single(m => (string)m!["name"]! == "revenue")!["arms"]!.AsArray().Single(a => (string)a!["arm"]! == arm)!;
            Assert.Equal(10.0 * converted, (double)revenue["sums"]!["sum"]!);
        }

        // The statistics ran on these sums: the primary metric compares bold with control, its decision in words.
        var statistics = results["statistics"]!;
        Assert.Equal("orders", (string)statistics["metrics"]![0]!["name"]!);
        Assert.Equal(users.Length, (long)statistics["units"]!);
        Assert.False(string.IsNullOrEmpty((string)statistics["decision"]!));

        // Each visit was logged as an Experiment Viewed event on the profile (two per visitor), the first marked.
        var profile = await app.Admin.GetObjectAsync($"/api/profiles/lookup?type=userId&value={Uri.EscapeDataString(users[0])}");
        var events = await app.Admin.GetArrayAsync($"/api/profiles/{profile["id"]}/events?name={Uri.EscapeDataString("Experiment Viewed")}");
        Assert.Equal(2, events.Count);
        Assert.Equal([true, false], events.Select(e => (bool)e!["message"]!["properties"]!["first_exposure"]!).Order().Reverse());
    }

    [Fact]
    public async Task The_holdout_gets_the_non_personalised_default_and_is_measured_as_its_own_arm()
    {
        var block = TailorAppFixture.NewId("hb").Replace("-", "_", StringComparison.Ordinal);
        using (var b = await app.Admin.PostObjectAsync("/api/blocks", new
        {
            name = block, variants = new[] { new { name = "pro", condition = "trait plan = \"pro\"", body = "Pro tips" } }, @default = new { body = "Hello" },
        })) await b.ShouldBeAsync(HttpStatusCode.Created);
        var placement = await PlacementAsync(block);
        var key = Key();
        using (var created = await app.Admin.PostObjectAsync("/api/experiments", new
        {
            key, subject = new { kind = "block", name = block }, holdout = 0.5,
            variants = new object[] { new { key = "rules" }, new { key = "forced", value = "pro" } },
            primaryMetric = new { name = "orders", kind = "conversion", @event = "Order Completed" },
        })) await created.ShouldBeAsync(HttpStatusCode.Created);
        using (var started = await app.Admin.PostAsync($"/api/experiments/{key}/start", null, Ct)) await started.ShouldBeAsync(HttpStatusCode.OK);

        var users = Enumerable.Range(0, 16).Select(i => TailorAppFixture.NewId($"h{i}")).ToArray();
        foreach (var user in users)
            await app.Ingest.SendAsync("/v1/identify", new { userId = user, traits = new { plan = "pro", consent = new { personalization = true } } });
        await app.WaitForPipelineAsync();
        var seen = new HashSet<string>();
        foreach (var user in users)
        {
            var served = await PersonalizeAsync(placement, await VerifiedAsync(user));
            var arm = (string)served["arm"]!;
            seen.Add(arm);
            // The holdout sees the default although its rules would choose "pro"; the other arms are personalised.
            Assert.Equal(arm == "holdout" ? ("Hello", false) : ("Pro tips", true), ((string)served["content"]!, (bool)served["personalized"]!));
        }
        Assert.Contains("holdout", seen);
        await ExperimentsProgress.WaitUntilTalliedAsync(app.Admin);
        var results = await app.Admin.GetObjectAsync($"/api/experiments/{key}/results");
        Assert.Equal(users.Length, results["arms"]!.AsArray().Sum(a => (long)a!["units"]!));
    }

    [Fact]
    public async Task A_flag_is_read_through_the_api_with_the_write_key_and_stays_the_same_for_a_visitor()
    {
        var key = Key();
        using (var created = await app.Admin.PostObjectAsync("/api/experiments", new
        {
            key, subject = new { kind = "flag" },
            variants = new object[] { new { key = "off", value = "false" }, new { key = "on", value = "true" } },
            primaryMetric = new { name = "orders", kind = "conversion", @event = "Order Completed" },
        })) await created.ShouldBeAsync(HttpStatusCode.Created);
        using (var started = await app.Admin.PostAsync($"/api/experiments/{key}/start", null, Ct)) await started.ShouldBeAsync(HttpStatusCode.OK);
        var user = TailorAppFixture.NewId("flag");
        await app.Ingest.SendAsync("/v1/identify", new { userId = user, traits = new { consent = new { personalization = true } } });
        await app.WaitForPipelineAsync();
        var profileId = (string)(await app.Admin.GetObjectAsync($"/api/profiles/lookup?type=userId&value={Uri.EscapeDataString(user)}"))["id"]!;

        var first = await app.Ingest.GetObjectAsync($"/v1/experiments/{key}/assignment?{await VerifiedAsync(user)}");
        Assert.True((bool)first["inExperiment"]!);
        // The arm is the documented hash of the experiment key and the profile id.
        var expected = ExperimentAssignment.Arm(new ExperimentDefinition(key, null, new ExperimentSubject(SubjectKind.Flag), [new("off"), new("on")], null), profileId);
        Assert.Equal(expected, (string)first["variant"]!);
        Assert.Equal(expected == "on" ? "true" : "false", (string)first["value"]!);

        var unverified = await app.Ingest.GetObjectAsync($"/v1/experiments/{key}/assignment?userId={user}");
        Assert.Equal(("off", false), ((string)unverified["variant"]!, (bool)unverified["inExperiment"]!));
        using var noKey = await app.Anonymous.GetAsync($"/v1/experiments/{key}/assignment?userId={user}", Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, noKey.StatusCode);
        using var notRunning = await app.Ingest.GetAsync($"/v1/experiments/nope/assignment?userId={user}", Ct);
        Assert.Equal(HttpStatusCode.NotFound, notRunning.StatusCode);
    }

    [Fact]
    public async Task Bad_definitions_and_wrong_states_are_refused_with_field_and_rule()
    {
        using (var bad = await app.Admin.PostObjectAsync("/api/experiments", new
        {
            key = Key(), subject = new { kind = "flag" },
            variants = new object[] { new { key = "a", weight = 0.5 }, new { key = "b", weight = 0.4 } },
        })) await bad.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "variants", "weights must sum to 1 (they sum to 0.9)");
        var key = Key();
        using (var created = await app.Admin.PostObjectAsync("/api/experiments", new
        {
            key, subject = new { kind = "flag" }, variants = new object[] { new { key = "a" }, new { key = "b" } },
        })) await created.ShouldBeAsync(HttpStatusCode.Created);
        using (var noMetric = await app.Admin.PostAsync($"/api/experiments/{key}/start", null, Ct))
            await noMetric.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "primaryMetric", "is required to start: what the experiment decides on");
        using (var stop = await app.Admin.PostAsync($"/api/experiments/{key}/stop", null, Ct)) Assert.Equal(HttpStatusCode.Conflict, stop.StatusCode);
        using (var missing = await app.Admin.GetAsync("/api/experiments/missing-one", Ct)) Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        using (var noAdmin = await app.Ingest.GetAsync("/api/experiments", Ct)) Assert.Equal(HttpStatusCode.Unauthorized, noAdmin.StatusCode);
    }
}
