using System.Text.Json.Nodes;
using Tailor.Core.Experiments;
using static Tailor.Tests.Support.Messages;

namespace Tailor.Storage.Tests;

/// <summary>
/// Experiments, first exposures (resolved through merges: the earliest wins, a change is counted) and the per-arm
/// metric sums computed in SQL. The expected sums are worked out by hand from the events each test sends.
/// </summary>
public abstract partial class StoreContractTests
{
    private static ExperimentDefinition Hero(string key = "hero") => new(key, "Hero", new ExperimentSubject(SubjectKind.Placement, "home"),
        [new ExperimentVariant("a"), new ExperimentVariant("b", Block: "bold")], new ExperimentMetric("orders", MetricKind.Conversion, "Order Completed"));

    [Fact]
    public async Task Experiments_are_created_once_replaced_listed_and_keep_their_status()
    {
        var draft = new Experiment(Hero(), ExperimentStatus.Draft, At(1), At(1));
        Assert.True(await Store.Experiments.SaveExperimentAsync(draft, createOnly: true, Ct));
        Assert.False(await Store.Experiments.SaveExperimentAsync(draft with { UpdatedAt = At(2) }, createOnly: true, Ct));
        var running = draft with { Status = ExperimentStatus.Running, StartedAt = At(3), UpdatedAt = At(3) };
        Assert.True(await Store.Experiments.SaveExperimentAsync(running, createOnly: false, Ct));
        await Store.Experiments.SaveExperimentAsync(new Experiment(Hero("another"), ExperimentStatus.Draft, At(4), At(4)), createOnly: true, Ct);

        var read = await Store.Experiments.GetExperimentAsync("hero", Ct);
        Assert.Equal((ExperimentStatus.Running, At(3), (DateTimeOffset?)At(3), (DateTimeOffset?)null), (read!.Status, read.UpdatedAt, read.StartedAt, read.StoppedAt));
        Assert.Equal(["b", "bold"], [read.Definition.Variants[1].Key, read.Definition.Variants[1].Block!]);
        Assert.Equal(running.Definition.PrimaryMetric, read.Definition.PrimaryMetric);
        Assert.Equal(["another", "hero"], (await Store.Experiments.ListExperimentsAsync(Ct)).Select(e => e.Key));
        Assert.Null(await Store.Experiments.GetExperimentAsync("missing", Ct));
    }

    [Fact]
    public async Task Only_the_first_exposure_is_kept_and_a_merge_joins_both_devices_with_the_earliest_winning()
    {
        await IngestAsync(Identify(At(1), anonymousId: "phone"), Identify(At(1), "ann"), Identify(At(1), "bob"));
        var phone = (await ProfileOfAsync(Anon("phone"))).Id;
        var laptop = (await ProfileOfAsync(User("ann"))).Id;
        var bob = (await ProfileOfAsync(User("bob"))).Id;
        Assert.True(await Store.Experiments.RecordExposureAsync(new Exposure("hero", phone, "b", At(2)), Ct));
        Assert.False(await Store.Experiments.RecordExposureAsync(new Exposure("hero", phone, "a", At(3)), Ct));
        Assert.True(await Store.Experiments.RecordExposureAsync(new Exposure("hero", laptop, "a", At(4)), Ct));
        Assert.True(await Store.Experiments.RecordExposureAsync(new Exposure("hero", bob, "a", At(4)), Ct));
        Assert.True(await Store.Experiments.RecordExposureAsync(new Exposure("other", laptop, "a", At(4)), Ct));
        var before = await Store.Experiments.ExposureSummaryAsync("hero", null, Ct);
        Assert.Equal([("a", 2L), ("b", 1L)], before.Arms.Select(a => (a.Arm, a.Units)));
        Assert.Equal(0, before.ChangedByMerge);

        await IngestAsync(Identify(At(5), "ann", "phone")); // the same person on both devices
        var survivor = (await ProfileOfAsync(User("ann"))).Id;
        var exposures = await Store.Experiments.ExposuresAsync("hero", survivor, Ct);
        Assert.Equal(2, exposures.Count);
        var resolved = StickyArm.Resolve(exposures)!.Value;
        Assert.Equal(("b", At(2), true), (resolved.Earliest.Arm, resolved.Earliest.At, resolved.Changed));

        var after = await Store.Experiments.ExposureSummaryAsync("hero", null, Ct);
        Assert.Equal([("a", 1L), ("b", 1L)], after.Arms.Select(a => (a.Arm, a.Units))); // ann once, in b (her earliest); bob in a
        Assert.Equal(1, after.ChangedByMerge);
    }

    [Fact]
    public async Task Metric_sums_per_arm_count_events_in_the_window_after_the_first_exposure_with_the_lookback_as_covariate()
    {
        static JsonObject Revenue(JsonNode value) => new() { ["revenue"] = value };
        await IngestAsync(
            Identify(At(0), "u1"), Identify(At(0), "u2"), Identify(At(0), "u3"),
            Track("Order Completed", At(5), "u1", properties: Revenue(7)),       // u1: before exposure (the covariate)
            Track("Order Completed", At(12), "u1", properties: Revenue(10)),     // u1: in the window
            Track("Order Completed", At(20), "u1", properties: Revenue(5.5)),    // u1: in the window
            Track("Order Completed", At(71), "u1", properties: Revenue(100)),    // u1: after the 60-minute window
            Track("Viewed", At(15), "u2"),                                        // u2: another event only
            Track("Order Completed", At(31), "u3", properties: Revenue(3)),      // u3: in the window
            Track("Order Completed", At(32), "u3", properties: Revenue("lots")), // u3: counted, its revenue is not a number
            Track("Order Completed", At(-40), "u3", properties: Revenue(1)));    // u3: before the 60-minute lookback
        foreach (var (user, arm, at) in new[] { ("u1", "a", 10), ("u2", "a", 10), ("u3", "b", 30) })
            await Store.Experiments.RecordExposureAsync(new Exposure("hero", (await ProfileOfAsync(User(user))).Id, arm, At(at)), Ct);

        async Task<(string, long, double, double, double, double, double, double, double, double)[]> SumsAsync(ExperimentMetric metric) =>
            (await Store.Experiments.ArmSumsAsync("hero", metric with { WindowHours = 1, LookbackHours = 1 }, null, Ct))
            .Select(s => (s.Arm, s.Units, s.Sum, s.SumSquares, s.CovariateSum, s.CovariateSumSquares, s.CrossProduct, s.DenominatorSum, s.DenominatorSumSquares, s.NumeratorDenominatorCross))
            .ToArray();

        // conversion: a y = [1, 0], x = [1, 0]; b y = [1], x = [0]
        Assert.Equal([("a", 2L, 1d, 1d, 1d, 1d, 1d, 0d, 0d, 0d), ("b", 1L, 1d, 1d, 0d, 0d, 0d, 0d, 0d, 0d)],
            await SumsAsync(new ExperimentMetric("orders", MetricKind.Conversion, "Order Completed")));
        // count: a y = [2, 0], x = [1, 0]; b y = [2], x = [0]
        Assert.Equal([("a", 2L, 2d, 4d, 1d, 1d, 2d, 0d, 0d, 0d), ("b", 1L, 2d, 4d, 0d, 0d, 0d, 0d, 0d, 0d)],
            await SumsAsync(new ExperimentMetric("order_count", MetricKind.Count, "Order Completed")));
        // revenue per user: a y = [15.5, 0], x = [7, 0]; b y = [3], x = [0]
        Assert.Equal([("a", 2L, 15.5, 240.25, 7d, 49d, 108.5, 0d, 0d, 0d), ("b", 1L, 3d, 9d, 0d, 0d, 0d, 0d, 0d, 0d)],
            await SumsAsync(new ExperimentMetric("revenue", MetricKind.Sum, "Order Completed", "revenue")));
        // revenue per order: numerator as revenue, denominator d = orders: a d = [2, 0]; b d = [2]
        Assert.Equal([("a", 2L, 15.5, 240.25, 7d, 49d, 108.5, 2d, 4d, 31d), ("b", 1L, 3d, 9d, 0d, 0d, 0d, 2d, 4d, 6d)],
            await SumsAsync(new ExperimentMetric("aov", MetricKind.Ratio, "Order Completed", "revenue", DenominatorEvent: "Order Completed")));
        Assert.Empty(await Store.Experiments.ArmSumsAsync("nothing", new ExperimentMetric("orders", MetricKind.Conversion, "Order Completed"), null, Ct));
    }
}
