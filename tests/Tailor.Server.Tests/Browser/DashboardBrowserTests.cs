using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tailor.Server.Tests.Content;
using Tailor.Server.Tests.Experiments;
using Tailor.Server.Tests.Hosting;

namespace Tailor.Server.Tests.Browser;

/// <summary>
/// The dashboard's main flows in Debian's headless Chromium (tests/browser/dashboard.mjs, playwright-core, the same
/// mechanism as <see cref="BrowserTests"/>): sign in, find a profile, build a segment with the visual builder, preview
/// and save it, create a journey, preview a campaign as a profile and send a test to the real SMTP sink, start the
/// campaign (two steps), open a finished clustering run's analytics page, read an experiment's decision, and the
/// segments at phone width. Each result is checked through the API (or the sink).
/// Screenshots are kept in <c>TestResults/browser/dashboard/</c> (<see cref="BrowserTools.Artifacts"/>).
/// </summary>
public sealed class DashboardBrowserTests(TailorAppFixture app)
{
    [Fact]
    public async Task A_marketer_signs_in_finds_a_profile_builds_a_segment_creates_a_journey_tests_a_campaign_and_reads_an_experiment()
    {
        var chromium = BrowserTools.Chromium();
        if (Environment.GetEnvironmentVariable(SmtpSink.AddressVariable) is not { Length: > 0 })
            Assert.Skip("The campaign test send needs the SMTP sink (TAILOR_TEST_SMTP, started by scripts/test.sh).");
        await BrowserTools.EnsurePackagesAsync();
        var run = Guid.NewGuid().ToString("N")[..10];
        var userId = $"dash-{run}";
        var plan = $"gold-{run}";
        var purchase = $"Order Completed {run}";
        await app.Ingest.SendAsync("/v1/identify", new { userId, traits = new { email = $"{userId}@example.test", first_name = "Dana", plan, consent = new { email = true } } });
        await app.Ingest.SendAsync("/v1/track", new { userId, @event = purchase, properties = new { total = 42 } });
        await app.Ingest.SendAsync("/v1/identify", new { userId = $"{userId}-other", traits = new { plan } }); // has the plan, never bought
        await app.WaitForPipelineAsync();

        using (var template = await app.Admin.PostObjectAsync("/api/templates", new { name = $"dash-{run}", subject = "Hello {{ profile.traits.first_name }}", body = "<p>Hi {{ profile.traits.first_name }}</p>" }))
            await template.ShouldBeAsync(HttpStatusCode.Created);
        using (var audience = await app.Admin.PostObjectAsync("/api/segments", new { name = $"Audience {run}", rule = $"trait plan = \"{plan}\"" }))
            await audience.ShouldBeAsync(HttpStatusCode.Created);
        using var campaignResponse = await app.Admin.PostObjectAsync("/api/campaigns", new { name = $"Spring {run}", template = $"dash-{run}", segment = $"Audience {run}" });
        await campaignResponse.ShouldBeAsync(HttpStatusCode.Created);
        var campaign = (string)(await campaignResponse.JsonAsync())["id"]!;
        var experiment = await ExperimentWithADecisionAsync(run);
        var (clusterRun, clusterResult) = await ClusterRunAsync(run);
        var testAddress = SmtpSink.NewRecipient("dashboard");
        var scenario = JsonSerializer.Serialize(new
        {
            userId, plan, @event = purchase, segment = $"Buyers {run}", audience = $"Audience {run}", campaign, experiment, testAddress, clusterRun,
            journey = new { name = $"Welcome {run}", start = new { @event = $"Signed Up {run}" }, steps = new object[] { new { id = "wait", wait = "1d" }, new { id = "tag", action = new { profile = new { addTags = new[] { "welcomed" } } } } } },
        });
        var artifacts = BrowserTools.Artifacts("dashboard");

        var clock = Stopwatch.StartNew();
        var output = await BrowserTools.RunAsync("node", ["dashboard.mjs", app.BaseAddress.GetLeftPart(UriPartial.Authority), app.AdminKey, scenario, artifacts, chromium], TimeSpan.FromSeconds(180));
        TestContext.Current.SendDiagnosticMessage($"dashboard browser run took {clock.Elapsed.TotalSeconds:F1} s");
        var result = JsonNode.Parse(output.Trim().Split('\n')[^1])!.AsObject();
        TestContext.Current.SendDiagnosticMessage($"first paint: {result["paint"]!.ToJsonString()}");

        Assert.True(result["consoleErrors"]!.AsArray().Count == 0, $"The pages logged errors: {result["consoleErrors"]!.ToJsonString()}");
        var tailor = app.BaseAddress.GetLeftPart(UriPartial.Authority);
        Assert.All(result["requests"]!.AsArray(), r => Assert.StartsWith(tailor + "/", (string)r!, StringComparison.Ordinal)); // no CDN: every asset from the node
        Assert.Equal("/sign-in", (string)result["signInUrl"]!);
        Assert.Equal(["Profiles", "Segments", "Journeys", "Content", "Campaigns", "Experiments", "Analytics", "Operations", "Users"], result["navigation"]!.AsArray().Select(n => (string)n!));

        var profile = await app.Admin.LookupAsync("userId", userId);
        Assert.Equal($"Profile {profile.Id()}", (string)result["profileHeading"]!);
        Assert.Contains("plan", result["profileTraits"]!.AsArray().Select(t => (string)t!));

        // The builder wrote the rule language; the page previewed and saved exactly that text, and it matches only the buyer.
        Assert.Equal($"trait plan = \"{plan}\"\n  and performed \"{purchase}\" in last 30 days", (string)result["ruleText"]!);
        Assert.Equal("1", (string)result["estimate"]!);
        var saved = await app.Admin.GetObjectAsync($"/api/segments/{Uri.EscapeDataString($"Buyers {run}")}");
        Assert.Equal($"/segments/{(string)saved["id"]!}", (string)result["savedSegmentUrl"]!);
        Assert.Equal($"trait plan = \"{plan}\" and performed \"{purchase}\" in last 30 days", (string)saved["rule"]!);

        // The edit page read the saved rule back into the builder's two rows, which write the same rule again.
        Assert.Equal(2, (int)result["editRows"]!);
        Assert.Equal((string)result["ruleText"]!, (string)result["editRuleText"]!);
        // Audience (2: both plan holders) and Buyers (1: the buyer), in name order share the buyer: sizes on the diagonal, 1 in common.
        Assert.Equal(["2", "1", "1", "1"], result["overlapCommon"]!.AsArray().Select(c => (string)c!));

        var journey = await app.Admin.GetObjectAsync($"/api/triggers/{Uri.EscapeDataString($"Welcome {run}")}");
        Assert.Equal($"Welcome {run}", (string)journey["name"]!);
        Assert.Equal(4, (int)result["flowBoxes"]!); // start, wait, tag, end

        Assert.Equal("Hello Dana", (string)result["previewSubject"]!);
        Assert.Contains(testAddress, (string)result["testSent"]!, StringComparison.Ordinal);
        var mail = await SmtpSink.WaitForAsync(testAddress);
        Assert.Equal("[Test] Hello Dana", mail.Single().Subject);

        // The campaign was started only by the second step, which named its audience: both plan holders; the one with an
        // email address and consent gets it.
        Assert.Contains($"now to the 2 current members of", (string)result["startQuestion"]!, StringComparison.Ordinal);
        Assert.StartsWith("The campaign was started", (string)result["started"]!, StringComparison.Ordinal);
        var started = await app.Admin.GetObjectAsync($"/api/campaigns/{campaign}");
        Assert.NotEqual("draft", (string)started["status"]!);
        Assert.Equal("Hello Dana", Assert.Single(await SmtpSink.WaitForAsync($"{userId}@example.test")).Subject);

        // The finished clustering run's page showed the stored figures: its heading, both charts drawn, the elbow's
        // figures k by k in its text alternative, one row per stored cluster with its size, the suggestion's reason.
        Assert.Equal($"cluster run {clusterRun}", (string)result["runHeading"]!);
        Assert.Equal([true, true], result["chartsDrawn"]!.AsArray().Select(d => (bool)d!));
        var elbow = "Within-cluster sum of squares by k: " + string.Join("; ", clusterResult["evaluations"]!.AsArray().Select(e =>
            $"k={(int)e!["k"]!}: {((double)e["withinClusterSumOfSquares"]!).ToString("0.##", System.Globalization.CultureInfo.InvariantCulture)}"));
        Assert.Equal(elbow, (string)result["chartAlts"]![0]!);
        Assert.Equal(clusterResult["clusters"]!.AsArray().Select(c => ((int)c!["size"]!).ToString(System.Globalization.CultureInfo.InvariantCulture)),
            result["clusterSizes"]!.AsArray().Select(s => (string)s!));
        Assert.Equal((string)clusterResult["suggestion"]!["reason"]!, (string)result["suggestion"]!);

        var decision = (string)(await app.Admin.GetObjectAsync($"/api/experiments/{experiment}/results"))["statistics"]!["decision"]!;
        Assert.Equal(decision, (string)result["decision"]!);

        Assert.False((bool)result["phoneOverflow"]!, "the segments page scrolls sideways at 390 px");
        foreach (var png in new[] { "profile.png", "segment-builder.png", "segment-edit.png", "segment-overlap.png", "journey.png", "campaign.png", "campaign-started.png", "analytics-run.png", "experiment.png", "segments-phone.png" })
            Assert.True(new FileInfo(Path.Combine(artifacts, png)).Length > 1000, $"screenshot {png} missing");
    }

    /// <summary>A finished clustering run on three far-apart groups of 6 profiles (two traits of this run's own), and its stored result.</summary>
    private async Task<(string Id, JsonNode Result)> ClusterRunAsync(string run)
    {
        var (spend, visits) = ($"spend_{run}", $"visits_{run}");
        var centres = new[] { (10.0, 1.0), (500.0, 40.0), (1000.0, 90.0) };
        for (var g = 0; g < centres.Length; g++)
            for (var i = 0; i < 6; i++)
                await app.Ingest.SendAsync("/v1/identify", new { userId = $"cl-{run}-{g}-{i}", traits = new Dictionary<string, object> { [spend] = centres[g].Item1 + i, [visits] = centres[g].Item2 + i % 3 } });
        await app.WaitForPipelineAsync();
        using var started = await app.Admin.PostObjectAsync("/api/analytics/runs", new { kind = "cluster", parameters = new { traits = new[] { spend, visits }, minK = 2, maxK = 4, restarts = 3 } });
        await started.ShouldBeAsync(HttpStatusCode.Accepted);
        var id = (string)(await started.JsonAsync())["id"]!;
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var stored = await app.Admin.GetObjectAsync($"/api/analytics/runs/{id}");
            if ((string)stored["status"]! == "succeeded") return (id, stored["result"]!);
            Assert.True((string)stored["status"]! != "failed" && clock.Elapsed < TimeSpan.FromSeconds(60), $"run {id} did not succeed: {stored.ToJsonString()}");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>A started experiment whose planned sample (10 units) is reached, so its results carry a decision.</summary>
    private async Task<string> ExperimentWithADecisionAsync(string run)
    {
        var key = $"dash-{run}";
        var signup = $"Signup {run}";
        using (var created = await app.Admin.PostObjectAsync("/api/experiments", new
        {
            key, subject = new { kind = "flag" }, method = "fixedHorizon", plannedUnits = 10,
            variants = new object[] { new { key = "a", value = "0" }, new { key = "b", value = "1" } },
            primaryMetric = new { name = "signups", kind = "conversion", @event = signup },
        })) await created.ShouldBeAsync(HttpStatusCode.Created);
        using (var started = await app.Admin.PostAsync($"/api/experiments/{key}/start", null, TestContext.Current.CancellationToken)) await started.ShouldBeAsync(HttpStatusCode.OK);
        var secret = (string)(await app.Admin.GetObjectAsync("/api/identity-secret"))["secret"]!;
        var users = Enumerable.Range(0, 12).Select(i => $"exp-{run}-{i}").ToArray();
        foreach (var user in users)
            await app.Ingest.SendAsync("/v1/identify", new { userId = user, traits = new { consent = new { personalization = true } } });
        await app.WaitForPipelineAsync();
        var i = 0;
        foreach (var user in users)
        {
            var arm = (string)(await app.Ingest.GetObjectAsync($"/v1/experiments/{key}/assignment?userId={Uri.EscapeDataString(user)}&userHash={PersonalizeApiTests.UserHash(secret, user)}"))["variant"]!;
            if (arm == "b" || i++ % 3 == 0) await app.Ingest.SendAsync("/v1/track", new { userId = user, @event = signup });
        }
        await ExperimentsProgress.WaitUntilTalliedAsync(app.Admin);
        return key;
    }
}
