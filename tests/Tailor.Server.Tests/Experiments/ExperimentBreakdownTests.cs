using System.Net;
using System.Text.Json.Nodes;
using Tailor.Server.Tests.Content;
using Tailor.Server.Tests.Hosting;

namespace Tailor.Server.Tests.Experiments;

/// <summary>
/// Results broken down per segment: for each named segment, the units that are its members, per variant, with their
/// conversions and the statistics, beside the whole experiment's results.
/// </summary>
public sealed class ExperimentBreakdownTests(TailorAppFixture app)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Results_break_down_per_segment_and_per_variant_with_the_right_counts()
    {
        var cohort = TailorAppFixture.NewId("co");
        var (pro, free) = ($"pro-{cohort}", $"free-{cohort}");
        foreach (var (name, plan) in new[] { (pro, "pro"), (free, "free") })
            using (var s = await app.Admin.PostObjectAsync("/api/segments", new { name, rule = $"trait cohort = \"{cohort}\" and trait plan = \"{plan}\"" }))
                await s.ShouldBeAsync(HttpStatusCode.Created);
        var key = TailorAppFixture.NewId("brk")[..20];
        var buy = "Bought " + key;
        using (var created = await app.Admin.PostObjectAsync("/api/experiments", new
        {
            key, subject = new { kind = "flag" },
            variants = new object[] { new { key = "a", value = "0" }, new { key = "b", value = "1" } },
            primaryMetric = new { name = "buys", kind = "conversion", @event = buy },
        })) await created.ShouldBeAsync(HttpStatusCode.Created);
        using (var started = await app.Admin.PostAsync($"/api/experiments/{key}/start", null, Ct)) await started.ShouldBeAsync(HttpStatusCode.OK);

        var users = Enumerable.Range(0, 20).Select(i => (User: TailorAppFixture.NewId($"bk{i}"), Plan: i % 2 == 0 ? "pro" : "free", Buys: i % 3 == 0)).ToArray();
        foreach (var u in users)
            await app.Ingest.SendAsync("/v1/identify", new { userId = u.User, traits = new { cohort, plan = u.Plan, consent = new { personalization = true } } });
        await app.WaitForPipelineAsync();
        var secret = (string)(await app.Admin.GetObjectAsync("/api/identity-secret"))["secret"]!;
        var arms = new Dictionary<string, string>();
        foreach (var u in users)
        {
            var served = await app.Ingest.GetObjectAsync($"/v1/experiments/{key}/assignment?userId={Uri.EscapeDataString(u.User)}&userHash={PersonalizeApiTests.UserHash(secret, u.User)}");
            arms[u.User] = (string)served["variant"]!;
            if (u.Buys) await app.Ingest.SendAsync("/v1/track", new { userId = u.User, @event = buy });
        }
        await ExperimentsProgress.WaitUntilTalliedAsync(app.Admin);

        var results = await app.Admin.GetObjectAsync($"/api/experiments/{key}/results?breakdown={Uri.EscapeDataString(pro)},{Uri.EscapeDataString(free)}");
        Assert.Equal(users.Length, results["arms"]!.AsArray().Sum(a => (long)a!["units"]!));
        var breakdown = results["breakdown"]!.AsArray();
        Assert.Equal([pro, free], breakdown.Select(b => (string)b!["segment"]!));
        foreach (var part in breakdown)
        {
            var plan = (string)part!["segment"]! == pro ? "pro" : "free";
            foreach (var arm in new[] { "a", "b" })
            {
                var members = users.Where(u => u.Plan == plan && arms[u.User] == arm).ToArray();
                Assert.Equal(members.Length, (long)part["arms"]!.AsArray().Single(a => (string)a!["arm"]! == arm)!["units"]!);
                var sums = part["metrics"]![0]!["arms"]!.AsArray().Single(a => (string)a!["arm"]! == arm)!["sums"]!;
                Assert.Equal((double)members.Count(m => m.Buys), (double)sums["sum"]!);
            }
            Assert.True(part["statistics"] is JsonObject || part["statisticsProblem"] is JsonObject);
        }

        using var unknown = await app.Admin.GetAsync($"/api/experiments/{key}/results?breakdown=nope-{cohort}", Ct);
        await unknown.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "breakdown", "must name an existing segment");
        using var tooMany = await app.Admin.GetAsync($"/api/experiments/{key}/results?breakdown={string.Join(',', Enumerable.Range(0, 11).Select(i => $"s{i}"))}", Ct);
        await tooMany.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "breakdown", "must name 1 to 10 segments");
    }
}
