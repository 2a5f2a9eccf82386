using System.Net;
using System.Text.Json.Nodes;
using Tailor.Server.Tests.Content;
using Tailor.Server.Tests.Hosting;

namespace Tailor.Server.Tests.Experiments;

/// <summary>
/// The planned sample size is stored in the definition (computed from a plan, or given), and a fixed-horizon analysis
/// refuses to call a winner before it is reached, saying so in words; once reached, the same data calls the winner.
/// </summary>
public sealed class ExperimentPlanningTests(TailorAppFixture app)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<string> VerifiedAsync(string userId)
    {
        var secret = (string)(await app.Admin.GetObjectAsync("/api/identity-secret"))["secret"]!;
        return $"userId={Uri.EscapeDataString(userId)}&userHash={PersonalizeApiTests.UserHash(secret, userId)}";
    }

    private async Task<JsonObject> CreateAndStartAsync(object definition, string key)
    {
        using var created = await app.Admin.PostObjectAsync("/api/experiments", definition);
        await created.ShouldBeAsync(HttpStatusCode.Created);
        var body = await created.JsonAsync();
        using (var started = await app.Admin.PostAsync($"/api/experiments/{key}/start", null, Ct)) await started.ShouldBeAsync(HttpStatusCode.OK);
        return body;
    }

    [Fact]
    public async Task A_fixed_horizon_test_calls_no_winner_before_its_planned_sample_and_calls_it_once_reached()
    {
        var planned = TailorAppFixture.NewId("plan")[..20];
        var small = TailorAppFixture.NewId("small")[..20];
        var signup = "Signup " + planned;
        var created = await CreateAndStartAsync(new
        {
            key = planned, subject = new { kind = "flag" }, method = "fixedHorizon",
            variants = new object[] { new { key = "a", value = "0" }, new { key = "b", value = "1" } },
            primaryMetric = new { name = "signups", kind = "conversion", @event = signup },
            plan = new { baseline = 0.10, minimumDetectableEffect = 0.10 },
        }, planned);
        // statsmodels samplesize_proportions_2indep_onetail: 14,750.79 per arm for 10% → 11% at α 0.05, power 0.8: 14,751 × 2.
        Assert.Equal(29_502L, (long)created["definition"]!["plannedUnits"]!);
        await CreateAndStartAsync(new
        {
            key = small, subject = new { kind = "flag" }, method = "fixedHorizon", plannedUnits = 10,
            variants = new object[] { new { key = "a", value = "0" }, new { key = "b", value = "1" } },
            primaryMetric = new { name = "signups", kind = "conversion", @event = signup },
        }, small);

        // Every visitor in arm b of the first experiment signs up, a third of those in a: a large lift, but far from the plan.
        var users = Enumerable.Range(0, 24).Select(i => TailorAppFixture.NewId($"pl{i}")).ToArray();
        foreach (var user in users)
            await app.Ingest.SendAsync("/v1/identify", new { userId = user, traits = new { consent = new { personalization = true } } });
        await app.WaitForPipelineAsync();
        var (inB, inA) = (0, 0);
        foreach (var user in users)
        {
            var arm = (string)(await app.Ingest.GetObjectAsync($"/v1/experiments/{planned}/assignment?{await VerifiedAsync(user)}"))["variant"]!;
            await app.Ingest.GetObjectAsync($"/v1/experiments/{small}/assignment?{await VerifiedAsync(user)}");
            if (arm == "b" ? ++inB > 0 : ++inA % 3 == 1) await app.Ingest.SendAsync("/v1/track", new { userId = user, @event = signup });
        }
        Assert.InRange(inB, 4, 20);
        await ExperimentsProgress.WaitUntilTalliedAsync(app.Admin);

        var early = (await app.Admin.GetObjectAsync($"/api/experiments/{planned}/results"))["statistics"]!;
        Assert.Equal(29_502L, (long)early["plannedUnits"]!);
        var comparison = early["metrics"]![0]!["comparisons"]![0]!;
        Assert.Equal("NotYet", (string)comparison["verdict"]!);
        Assert.StartsWith($"not yet: 0% of planned sample ({users.Length} of 29,502 units)", (string)comparison["decision"]!);
        Assert.StartsWith("not yet", (string)early["decision"]!);

        // The second experiment's plan (10 units) is reached: the same kind of test now gives a verdict of its own.
        var reached = (await app.Admin.GetObjectAsync($"/api/experiments/{small}/results"))["statistics"]!;
        Assert.NotEqual("NotYet", (string)reached["metrics"]![0]!["comparisons"]![0]!["verdict"]!);
        Assert.DoesNotContain("not yet: ", (string)reached["decision"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_plan_that_cannot_be_computed_is_refused_naming_its_field()
    {
        using var bad = await app.Admin.PostObjectAsync("/api/experiments", new
        {
            key = TailorAppFixture.NewId("badplan")[..20], subject = new { kind = "flag" },
            variants = new object[] { new { key = "a" }, new { key = "b" } },
            primaryMetric = new { name = "revenue", kind = "sum", @event = "Order Completed", property = "revenue" },
            plan = new { baseline = 20, minimumDetectableEffect = 0.1 },
        });
        await bad.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "plan.standardDeviation", "is required for a mean and must be positive");
        using var method = await app.Admin.PostObjectAsync("/api/experiments", new
        {
            key = TailorAppFixture.NewId("badm")[..20], subject = new { kind = "flag" }, method = "eyeball",
            variants = new object[] { new { key = "a" }, new { key = "b" } },
        });
        await method.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "method", "must be one of sequential, fixedHorizon, bayesian");
    }
}
