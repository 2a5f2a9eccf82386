using System.Text.Json.Nodes;
using Tailor.Application.Experiments;
using Tailor.Core.Events;
using Tailor.Core.Experiments;
using Tailor.Core.Segments;
using Tailor.Core.Storage;
using static Tailor.Tests.Support.Messages;

namespace Tailor.Storage.Tests;

/// <summary>
/// The experiments follower's incremental tally (<see cref="ExperimentTallies"/>) against the full recompute from the
/// log (<see cref="IExperimentStore.ArmSumsAsync"/>): on random streams of exposures, orders (some backdated into the
/// lookback, some after the window, some with a non-numeric revenue), cart views and identity merges, folded in small
/// batches, both give the same units and sums for every metric, overall and for a segment's members.
/// </summary>
public abstract partial class StoreContractTests
{
    private static readonly ExperimentMetric[] TallyMetrics =
    [
        new("orders", MetricKind.Conversion, "Order Completed", WindowHours: 2, LookbackHours: 3),
        new("revenue", MetricKind.Sum, "Order Completed", "revenue", WindowHours: 2, LookbackHours: 3),
        new("carts", MetricKind.Count, "Cart Viewed", WindowHours: 2, LookbackHours: 3),
        new("per_cart", MetricKind.Ratio, "Order Completed", "revenue", DenominatorEvent: "Cart Viewed", WindowHours: 2, LookbackHours: 3),
    ];

    private ExperimentTallies Tallies() => new(Store.Experiments, Store.Triggers, Store.Segments, Store.Positions, _time);

    private async Task FoldAllAsync(ExperimentTallies tallies, int batch)
    {
        while (await tallies.StepAsync(batch, Ct) > 0) { }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Incremental_experiment_sums_agree_with_a_recompute_from_the_log_on_random_event_streams(int seed)
    {
        var definition = new ExperimentDefinition("tally", null, new ExperimentSubject(SubjectKind.Flag), [new ExperimentVariant("a"), new ExperimentVariant("b")],
            TallyMetrics[0], SecondaryMetrics: TallyMetrics[1..], Holdout: 0.2);
        await Store.Experiments.SaveExperimentAsync(new Experiment(definition, ExperimentStatus.Running, At(0), At(0), At(0)), createOnly: true, Ct);
        var tallies = Tallies();
        var random = new Random(seed);
        string[] users = ["u1", "u2", "u3", "u4", "u5", "u6", "u7", "u8"];
        var anonymous = users.ToDictionary(u => u, u => "anon-" + u);
        var now = 0;
        for (var step = 0; step < 25; step++)
        {
            now += random.Next(1, 30);
            var batch = new List<TailorEvent>();
            var exposures = new List<(string User, bool Anonymous)>();
            for (var n = random.Next(1, 7); n > 0; n--)
            {
                var user = users[random.Next(users.Length)];
                var at = At(now - random.Next(-20, 300)); // backdated up to 5 hours, into the lookback and before it
                var anon = random.Next(3) == 0;
                string? userId = anon ? null : user, anonymousId = anon ? anonymous[user] : null;
                switch (random.Next(6))
                {
                    case 0 or 1:
                        JsonNode revenue = random.Next(8) == 0 ? "lots" : random.Next(1, 50) + random.Next(4) * 0.25;
                        batch.Add(Track("Order Completed", at, userId, anonymousId, properties: new JsonObject { ["revenue"] = revenue }));
                        break;
                    case 2:
                        batch.Add(Track("Cart Viewed", at, userId, anonymousId));
                        break;
                    case 3:
                        batch.Add(Identify(at, user, anonymous[user])); // the same person on two devices: a merge
                        break;
                    default:
                        exposures.Add((user, anon));
                        break;
                }
            }
            await IngestAsync([.. batch]);
            // Serving: the first exposure is recorded for the asking profile, then the exposure is logged as an event.
            var viewed = new List<TailorEvent>();
            foreach (var (user, anon) in exposures)
            {
                var identity = anon ? Anon(anonymous[user]) : User(user);
                if (await Store.Profiles.FindProfileAsync(identity, Ct) is not { } profile)
                {
                    await IngestAsync(anon ? Identify(At(now), anonymousId: anonymous[user]) : Identify(At(now), user));
                    profile = await ProfileOfAsync(identity);
                }
                var existing = StickyArm.Resolve(await Store.Experiments.ExposuresAsync("tally", profile.Id, Ct));
                var arm = existing?.Earliest.Arm ?? ExperimentAssignment.Arm(definition, profile.Id);
                await Store.Experiments.RecordExposureAsync(new Exposure("tally", profile.Id, arm, At(now)), Ct);
                viewed.Add(Track(ExperimentTallies.ExposureEvent, At(now), anon ? null : user, anon ? anonymous[user] : null,
                    properties: new JsonObject { ["experiment_id"] = "tally", ["variation_id"] = arm }));
            }
            if (viewed.Count > 0) await IngestAsync([.. viewed]);
            if (random.Next(3) == 0 && await Store.Profiles.FindProfileAsync(User(users[random.Next(users.Length)]), Ct) is { } member)
            {
                await Store.Segments.ApplyMembershipAsync(new MembershipUpdate([new MembershipChange("seg-half", member.Id, random.Next(2) == 0, At(now))], []), Ct);
            }
            await FoldAllAsync(tallies, batch: 1 + random.Next(4));
            await AssertTallyMatchesRecomputeAsync(definition, null);
            await AssertTallyMatchesRecomputeAsync(definition, "seg-half");
        }
        Assert.True((await Store.Experiments.TallyAsync("tally", null, Ct)).Exposures.Arms.Sum(a => a.Units) > 0);
    }

    private async Task AssertTallyMatchesRecomputeAsync(ExperimentDefinition definition, string? segment)
    {
        var tally = await Store.Experiments.TallyAsync(definition.Key, segment, Ct);
        var recomputed = await Store.Experiments.ExposureSummaryAsync(definition.Key, segment, Ct);
        Assert.Equal(recomputed.Arms.Where(a => a.Units > 0), tally.Exposures.Arms.Where(a => a.Units > 0));
        if (segment is null) Assert.Equal(recomputed.ChangedByMerge, tally.Exposures.ChangedByMerge);
        foreach (var metric in definition.AllMetrics)
        {
            var expected = (await Store.Experiments.ArmSumsAsync(definition.Key, metric, segment, Ct)).ToDictionary(s => s.Arm);
            var actual = (tally.Metrics.GetValueOrDefault(metric.Name) ?? []).Where(s => s.Units > 0).ToDictionary(s => s.Arm);
            Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
            foreach (var (arm, e) in expected)
            {
                var a = actual[arm];
                Assert.Equal(e.Units, a.Units);
                double[] want = [e.Sum, e.SumSquares, e.CovariateSum, e.CovariateSumSquares, e.CrossProduct, e.DenominatorSum, e.DenominatorSumSquares,
                    e.NumeratorDenominatorCross, e.CovariateDenominatorSum, e.CovariateDenominatorSumSquares, e.CovariateNumeratorDenominatorCross,
                    e.NumeratorCovariateDenominatorCross, e.DenominatorCovariateCross, e.DenominatorCovariateDenominatorCross];
                double[] got = [a.Sum, a.SumSquares, a.CovariateSum, a.CovariateSumSquares, a.CrossProduct, a.DenominatorSum, a.DenominatorSumSquares,
                    a.NumeratorDenominatorCross, a.CovariateDenominatorSum, a.CovariateDenominatorSumSquares, a.CovariateNumeratorDenominatorCross,
                    a.NumeratorCovariateDenominatorCross, a.DenominatorCovariateCross, a.DenominatorCovariateDenominatorCross];
                for (var i = 0; i < want.Length; i++)
                    Assert.True(Math.Abs(want[i] - got[i]) <= 1e-9 * Math.Max(1, Math.Abs(want[i])),
                        $"{metric.Name}, arm {arm}, sum {i}{(segment is null ? "" : $" in {segment}")}: recompute {want[i]}, incremental {got[i]}");
            }
        }
    }

    [Fact]
    public async Task The_tally_counts_a_conversion_inside_the_window_and_the_covariate_from_the_lookback_and_sets_aside_nothing_it_can_fold()
    {
        var definition = new ExperimentDefinition("tw", null, new ExperimentSubject(SubjectKind.Flag), [new ExperimentVariant("a"), new ExperimentVariant("b")],
            TallyMetrics[1]);
        await Store.Experiments.SaveExperimentAsync(new Experiment(definition, ExperimentStatus.Running, At(0), At(0), At(0)), createOnly: true, Ct);
        await IngestAsync(Identify(At(0), "w1"), Track("Order Completed", At(5), "w1", properties: new JsonObject { ["revenue"] = 4 }));
        var id = (await ProfileOfAsync(User("w1"))).Id;
        await Store.Experiments.RecordExposureAsync(new Exposure("tw", id, "b", At(60)), Ct);
        await IngestAsync(Track(ExperimentTallies.ExposureEvent, At(60), "w1", properties: new JsonObject { ["experiment_id"] = "tw" }),
            Track("Order Completed", At(100), "w1", properties: new JsonObject { ["revenue"] = 10 }),   // in the 2-hour window
            Track("Order Completed", At(200), "w1", properties: new JsonObject { ["revenue"] = 1000 }), // after it
            Track("Order Completed", At(30), "w1", properties: new JsonObject { ["revenue"] = 2 }));    // late, in the lookback
        var tallies = Tallies();
        await FoldAllAsync(tallies, 2);
        var sums = (await Store.Experiments.TallyAsync("tw", null, Ct)).Metrics["revenue"].Single();
        Assert.Equal(("b", 1L, 10d, 6d, 60d), (sums.Arm, sums.Units, sums.Sum, sums.CovariateSum, sums.CrossProduct));
        Assert.Equal((await Store.Positions.PositionAsync(Followers.Profiles, Ct), 0L), await tallies.ProgressAsync(Ct));
    }

    [Fact]
    public async Task A_ratio_metric_gets_cuped_from_its_pre_period_numerator_and_denominator_read_from_the_log()
    {
        var metric = TallyMetrics[3]; // revenue per cart view, 2-hour window, 3-hour lookback
        var definition = new ExperimentDefinition("tr", null, new ExperimentSubject(SubjectKind.Flag), [new ExperimentVariant("a"), new ExperimentVariant("b")], metric);
        var experiment = new Experiment(definition, ExperimentStatus.Running, At(0), At(0), At(0));
        await Store.Experiments.SaveExperimentAsync(experiment, createOnly: true, Ct);
        // Per unit (arm, pre carts, pre revenue, post carts, post revenue): the covariate is the same ratio before exposure.
        (string User, string Arm, int PreCarts, int PreRevenue, int Carts, int Revenue)[] units =
            [("r1", "a", 1, 10, 2, 12), ("r2", "a", 2, 30, 3, 33), ("r3", "a", 1, 5, 1, 8), ("r4", "b", 2, 20, 2, 26), ("r5", "b", 1, 12, 2, 20), ("r6", "b", 3, 25, 3, 35)];
        foreach (var u in units)
        {
            var events = new List<TailorEvent> { Identify(At(0), u.User) };
            for (var i = 0; i < u.PreCarts; i++) events.Add(Track("Cart Viewed", At(120 + i), u.User));
            events.Add(Track("Order Completed", At(130), u.User, properties: new JsonObject { ["revenue"] = u.PreRevenue }));
            for (var i = 0; i < u.Carts; i++) events.Add(Track("Cart Viewed", At(200 + i), u.User));
            events.Add(Track("Order Completed", At(210), u.User, properties: new JsonObject { ["revenue"] = u.Revenue }));
            await IngestAsync([.. events]);
            await Store.Experiments.RecordExposureAsync(new Exposure("tr", (await ProfileOfAsync(User(u.User))).Id, u.Arm, At(180)), Ct);
            await IngestAsync(Track(ExperimentTallies.ExposureEvent, At(180), u.User, properties: new JsonObject { ["experiment_id"] = "tr" }));
        }
        await FoldAllAsync(Tallies(), 3);
        var tally = await Store.Experiments.TallyAsync("tr", null, Ct);
        var a = tally.Metrics[metric.Name].Single(s => s.Arm == "a");
        Assert.Equal((3L, 53d, 6d, 45d, 4d, 10 * 1 + 30 * 2 + 5 * 1d), (a.Units, a.Sum, a.DenominatorSum, a.CovariateSum, a.CovariateDenominatorSum, a.CovariateNumeratorDenominatorCross));
        Assert.Equal(12 * 1 + 33 * 2 + 8 * 1d, a.NumeratorCovariateDenominatorCross);
        Assert.Equal(2 * 10 + 3 * 30 + 1 * 5d, a.DenominatorCovariateCross);

        var results = new ExperimentResults(experiment, null, tally.Exposures,
            [new MetricResult(metric, MetricRole.Primary, new[] { "a", "b" }.Select(arm => tally.Metrics[metric.Name].Single(s => s.Arm == arm)).ToArray(), null)], At(300));
        var (analysis, problem) = ExperimentStatistics.Analyze(results, ExperimentStatistics.Options(definition));
        Assert.Null(problem);
        var comparison = analysis!.Metrics[0].Comparisons[0];
        Assert.NotNull(comparison.Cuped);
        Assert.Contains("CUPED", comparison.Statistic, StringComparison.Ordinal);
    }
}
