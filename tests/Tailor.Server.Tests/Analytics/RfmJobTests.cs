using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Tailor.Application;
using Tailor.Application.Analytics;
using Tailor.Application.Analytics.Rfm;
using Tailor.Core.Analytics;
using Tailor.Core.Identity;
using Tailor.Server.Tests.Hosting;
using static Tailor.Tests.Support.Messages;

namespace Tailor.Server.Tests.Analytics;

/// <summary>The <c>rfm</c> run over SQLite: orders read from the log, scores and groups written back as traits.</summary>
public sealed class RfmJobTests() : SqliteStoreTest("rfm-job")
{
    private AnalyticsRuns _runs = null!;

    protected override ValueTask SetUpAsync()
    {
        var scores = new ScoreWriter(Store.Analytics, new EventLogSink(Store.Events), Time);
        _runs = new AnalyticsRuns([new RfmJob(Store.Analytics, scores)], Store.Analytics, new IdSource(Time), Time, NullLogger<AnalyticsRuns>.Instance);
        return ValueTask.CompletedTask;
    }

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();

    private DateTimeOffset DaysAgo(double days) => Time.GetUtcNow().AddDays(-days);

    // Five customers u1…u5: u_i's last order is 10·i days ago, u_i has 6 − i orders of 10·i each. So recency ranks
    // u1…u5, frequency ranks u5…u1, and monetary (50, 80, 90, 80, 50) has ties broken by profile id (u1 before u5, u2 before u4).
    private async Task FiveCustomersAsync(string revenueField = "revenue")
    {
        var events = new List<Tailor.Core.Events.TailorEvent>();
        for (var i = 1; i <= 5; i++) events.Add(Identify(DaysAgo(400), userId: $"u{i}"));
        for (var i = 1; i <= 5; i++)
            for (var k = 0; k < 6 - i; k++)
                events.Add(Track("Order Completed", DaysAgo(10 * i + 30 * k + 0.5), userId: $"u{i}",
                    properties: new JsonObject { [revenueField] = 10 * i, ["order_id"] = $"o{i}-{k}" }));
        await IngestAsync(ConsentingToProfiling([.. events]));
    }

    private async Task<Dictionary<string, JsonElement>> TraitsOfAsync(string userId)
    {
        var profile = (await Store.Profiles.FindProfileAsync(new ProfileIdentifier(IdentityTypes.UserId, userId), Ct))!;
        return profile.Traits.ToDictionary(t => t.Key, t => t.Value.Value);
    }

    [Fact]
    public async Task Scores_and_groups_are_written_back_as_traits_with_the_run()
    {
        await FiveCustomersAsync();
        // Noise the run must ignore: another event name, and an order after the as-of moment.
        await IngestAsync(Track("Product Viewed", DaysAgo(1), userId: "u5", properties: new JsonObject { ["revenue"] = 999 }));
        var asOf = Time.GetUtcNow();
        Time.Advance(TimeSpan.FromDays(2));
        await IngestAsync(Track("Order Completed", DaysAgo(1), userId: "u5", properties: new JsonObject { ["revenue"] = 999 }));

        var run = (await _runs.RunAsync(RfmJob.KindName, null, asOf, null, Ct)).Value!;
        await IngestAsync();

        Assert.Equal((AnalyticsRunStatus.Succeeded, 5L), (run.Status, run.ProfilesWritten));
        (string User, int Recency, int Frequency, double Monetary, int R, int F, int M, string Group)[] expected =
        [
            ("u1", 10, 5, 50, 5, 5, 1, "Champions"),
            ("u2", 20, 4, 80, 4, 4, 3, "Loyal"),
            ("u3", 30, 3, 90, 3, 3, 5, "Need Attention"),
            ("u4", 40, 2, 80, 2, 2, 4, "Hibernating"),
            ("u5", 50, 1, 50, 1, 1, 2, "Lost"),
        ];
        foreach (var e in expected)
        {
            var t = await TraitsOfAsync(e.User);
            Assert.Equal((e.Recency, e.Frequency, e.Monetary), (t["rfm_recency_days"].GetInt32(), t["rfm_frequency"].GetInt32(), t["rfm_monetary"].GetDouble()));
            Assert.Equal((e.R, e.F, e.M, e.R * 100 + e.F * 10 + e.M), (t["rfm_r"].GetInt32(), t["rfm_f"].GetInt32(), t["rfm_m"].GetInt32(), t["rfm_score"].GetInt32()));
            Assert.Equal(e.Group, t["rfm_group"].GetString());
            Assert.Equal(run.Id, t["rfm_model"].GetProperty("version").GetString());
        }
        var result = run.Result!.Value;
        Assert.Equal((5, 15), (result.GetProperty("customers").GetInt32(), result.GetProperty("orders").GetInt32()));
        Assert.Equal([10.0, 20, 30, 40], result.GetProperty("boundaries").GetProperty("recencyDays").EnumerateArray().Select(v => v.GetDouble()));
        Assert.Equal(1, result.GetProperty("groups").GetProperty("Champions").GetInt32());
        Assert.Equal(["groups.svg"], run.ArtifactNames!);
    }

    [Fact]
    public async Task The_revenue_property_is_configurable_and_total_is_the_default_fallback()
    {
        await FiveCustomersAsync(revenueField: "total");
        var byDefault = (await _runs.RunAsync(RfmJob.KindName, Json("""{"writeTraits":false}"""), null, null, Ct)).Value!;
        Assert.Equal(0L, byDefault.ProfilesWritten);
        Assert.Equal((50 + 80 + 90 + 80 + 50) / 5.0, byDefault.Result!.Value.GetProperty("means").GetProperty("monetary").GetDouble(), 1e-9);

        var other = (await _runs.RunAsync(RfmJob.KindName, Json("""{"revenueProperty":"value","writeTraits":false}"""), null, null, Ct)).Value!;
        Assert.Equal(0, other.Result!.Value.GetProperty("means").GetProperty("monetary").GetDouble());

        var renamed = (await _runs.RunAsync(RfmJob.KindName, Json("""{"orderEvent":"Purchase","writeTraits":false}"""), null, null, Ct)).Value!;
        Assert.Equal(0, renamed.Result!.Value.GetProperty("customers").GetInt32());
    }

    [Fact]
    public async Task A_profile_with_a_new_order_is_rescored_against_the_latest_runs_boundaries()
    {
        var rescoring = new RfmRescoring(Store.Analytics, Store.Profiles, new ScoreWriter(Store.Analytics, new EventLogSink(Store.Events), Time), Time);
        Assert.Equal(ProblemKind.NotFound, (await rescoring.RescoreAsync(["prf_0005"], Ct)).Problem!.Kind);
        await FiveCustomersAsync();
        var run = (await _runs.RunAsync(RfmJob.KindName, null, null, null, Ct)).Value!;
        await IngestAsync();
        Time.Advance(TimeSpan.FromHours(1));
        await IngestAsync(Track("Order Completed", Time.GetUtcNow(), userId: "u5", properties: new JsonObject { ["revenue"] = 50 }));
        var u5 = (await Store.Profiles.FindProfileAsync(new ProfileIdentifier(IdentityTypes.UserId, "u5"), Ct))!;

        Assert.Equal(1L, (await rescoring.RescoreAsync([u5.Id, "prf_unknown"], Ct)).Value);
        await IngestAsync();

        // Boundaries of the run: recency 10/20/30/40 days, frequency 1/2/3/4, monetary 50/50/80/80. u5 now: 0 days,
        // 2 orders, 100 spent → R 5, F 2, M 5: Potential Loyalists.
        var t = await TraitsOfAsync("u5");
        Assert.Equal((0, 2, 100.0), (t["rfm_recency_days"].GetInt32(), t["rfm_frequency"].GetInt32(), t["rfm_monetary"].GetDouble()));
        Assert.Equal((5, 2, 5, 525, "Potential Loyalists"), (t["rfm_r"].GetInt32(), t["rfm_f"].GetInt32(), t["rfm_m"].GetInt32(), t["rfm_score"].GetInt32(), t["rfm_group"].GetString()));
        Assert.StartsWith(run.Id + "-r", t["rfm_model"].GetProperty("version").GetString());
        Assert.Equal("Need Attention", (await TraitsOfAsync("u3"))["rfm_group"].GetString()); // untouched

        var other = (await _runs.RunAsync(RfmJob.KindName, Json("""{"orderEvent":"Purchase","writeTraits":false}"""), null, null, Ct)).Value!;
        Assert.Equal(AnalyticsRunStatus.Succeeded, other.Status);
        Assert.Equal("run", (await rescoring.RescoreAsync([u5.Id], Ct)).Problem!.Field);
    }

    [Fact]
    public async Task Bad_parameters_are_refused_naming_the_field()
    {
        Assert.Equal("parameters.orderEvent", (await _runs.QueueAsync(RfmJob.KindName, Json("""{"orderEvent":""}"""), null, Ct)).Problem!.Field);
        Assert.Equal("parameters.revenueProperty", (await _runs.QueueAsync(RfmJob.KindName, Json($$"""{"revenueProperty":"{{new string('x', 201)}}"}"""), null, Ct)).Problem!.Field);
        Assert.Equal("parameters.k", (await _runs.QueueAsync(RfmJob.KindName, Json("""{"k":3}"""), null, Ct)).Problem!.Field);
    }
}
