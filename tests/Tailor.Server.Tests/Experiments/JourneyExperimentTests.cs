using System.Net;
using Tailor.Core.Experiments;
using Tailor.Server.Tests.Hosting;
using Tailor.Server.Tests.Triggers;

namespace Tailor.Server.Tests.Experiments;

/// <summary>
/// A journey step under test (docs/experiments.md, "Journeys under test"): the run takes the profile's arm — the
/// documented hash, as <c>/v1/personalize</c> — and its branch, so each person gets their arm's template; the
/// exposures are counted in the results.
/// </summary>
public sealed class JourneyExperimentTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Profiles_split_across_arms_get_their_arms_template_and_are_counted_as_exposed()
    {
        await using var app = await TriggerApp.StartAsync(smtp: true);
        var plain = $"plain-{Guid.NewGuid():N}";
        var bold = $"bold-{Guid.NewGuid():N}";
        foreach (var (name, subject) in new[] { (plain, "Plain welcome"), (bold, "BOLD welcome") })
            using (var saved = await app.Admin.PostObjectAsync("/api/templates", new { name, subject, body = "<p>Hi {{ profile.traits.first_name }}</p>" }))
                await saved.ShouldBeAsync(HttpStatusCode.Created);
        var trigger = await app.CreateTriggerAsync("""
            {"name": "Welcome split", "start": {"event": "Signed Up"},
             "steps": [{"id": "ab", "experiment": {"otherwise": "mail-a"}},
                       {"id": "mail-a", "action": {"email": {"template": "PLAIN"}}},
                       {"id": "done-a", "exit": "sent the plain welcome"},
                       {"id": "mail-b", "action": {"email": {"template": "BOLD"}}}]}
            """.Replace("PLAIN", plain, StringComparison.Ordinal).Replace("BOLD", bold, StringComparison.Ordinal));

        var people = Enumerable.Range(0, 8).Select(i => (User: $"split-{i}-{Guid.NewGuid():N}"[..20], Email: SmtpSink.NewRecipient($"split{i}"))).ToArray();
        foreach (var p in people) await app.IdentifyAsync(p.User, p.Email, "email");
        var ids = new Dictionary<string, string>();
        foreach (var p in people) ids[p.User] = await app.ProfileIdAsync(p.User);
        // A key under which these (random) profile ids put at least two people in each arm, found with the documented hash.
        var prefix = $"journey-{Guid.NewGuid():N}"[..20];
        ExperimentDefinition Definition(string k) => new(k, null, new ExperimentSubject(SubjectKind.Trigger, "Welcome split"), [new("a", Value: "mail-a"), new("b", Value: "mail-b")], null);
        var key = Enumerable.Range(0, 1000).Select(i => $"{prefix}-{i}")
            .First(k => ids.Values.Select(id => ExperimentAssignment.Arm(Definition(k), id)).CountBy(a => a).Count(g => g.Value >= 2) == 2);
        var arms = ids.ToDictionary(p => p.Key, p => ExperimentAssignment.Arm(Definition(key), p.Value));
        using (var created = await app.Admin.PostObjectAsync("/api/experiments", new
        {
            key, subject = new { kind = "trigger", name = "Welcome split" },
            variants = new object[] { new { key = "a", value = "mail-a" }, new { key = "b", value = "mail-b" } },
            primaryMetric = new { name = "orders", kind = "conversion", @event = "Order Completed" },
        })) await created.ShouldBeAsync(HttpStatusCode.Created);
        using (var started = await app.Admin.PostAsync($"/api/experiments/{key}/start", null, Ct)) await started.ShouldBeAsync(HttpStatusCode.OK);

        foreach (var p in people) await app.TrackAsync(p.User, "Signed Up", app.Now);
        var runs = await app.WaitForRunsAsync(trigger, r => r.Count == people.Length && r.All(run => run.Status() != "waiting"));

        foreach (var p in people)
        {
            var mail = Assert.Single(await SmtpSink.WaitForAsync(p.Email));
            Assert.Equal(arms[p.User] == "b" ? "BOLD welcome" : "Plain welcome", mail.Subject);
        }
        foreach (var run in runs)
            Assert.Contains($"of experiment {key}", (string)run.LogOf("exposure")!["detail"]!, StringComparison.Ordinal);

        await ExperimentsProgress.WaitUntilTalliedAsync(app.Admin);
        var results = await app.Admin.GetObjectAsync($"/api/experiments/{key}/results");
        foreach (var arm in new[] { "a", "b" })
            Assert.Equal(arms.Values.Count(a => a == arm), (long)results["arms"]!.AsArray().Single(a => (string)a!["arm"]! == arm)!["units"]!);
    }

    [Fact]
    public async Task Without_a_running_experiment_the_step_takes_its_otherwise_branch()
    {
        await using var app = await TriggerApp.StartAsync();
        var trigger = await app.CreateTriggerAsync("""
            {"name": "Idle split", "start": {"event": "Signed Up"},
             "steps": [{"id": "ab", "experiment": {"otherwise": "exit"}}, {"id": "tag", "action": {"profile": {"addTags": ["tested"]}}}]}
            """);
        await app.IdentifyAsync("idle-ann", null);
        await app.TrackAsync("idle-ann", "Signed Up", app.Now);
        var runs = await app.WaitForRunsAsync(trigger, r => r.Count == 1 && r[0].Status() != "waiting");
        Assert.Equal("exited", runs[0].Status());
        Assert.Contains("in no experiment", (string)runs[0].LogOf("experiment")!["detail"]!, StringComparison.Ordinal);
    }
}
