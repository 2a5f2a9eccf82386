using Tailor.Analytics.Propensity;

namespace Tailor.Analytics.Tests.Propensity;

public sealed class FeatureBuilderTests
{
    private static readonly DateTimeOffset Cutoff = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly PropensityQuestion Churn = new(PropensityTarget.Churn, 30, "Order Completed");
    private static readonly PropensityQuestion NextPurchase = new(PropensityTarget.NextPurchase, 30, "Order Completed");

    private static PropensityEvent E(string id, string name, double daysFromCutoff, double revenue = 0) =>
        new(id, name, Cutoff.AddDays(daysFromCutoff), revenue);

    private static readonly PropensityEvent[] History =
    [
        E("a", "Product Viewed", -100), E("a", "Order Completed", -60, 40), E("a", "Order Completed", -20, 60),
        E("a", "Product Viewed", -5), E("a", "Order Completed", 10, 1000), E("a", "Product Viewed", 40), E("a", "Order Completed", 45, 500),
        E("b", "Product Viewed", -3), E("b", "Order Completed", 31, 80),
        E("c", "Order Completed", -200, 10), E("c", "Order Completed", 0, 10),
        E("d", "Product Viewed", 1), E("d", "Order Completed", 2, 10),
    ];

    private static float[] Row(FeatureTable table, string id) => table.Rows[table.ProfileIds.ToList().IndexOf(id)];

    private static float Value(FeatureTable table, string id, string feature) =>
        Row(table, id)[table.Schema.FeatureNames.ToList().IndexOf(feature)];

    [Fact]
    public void Every_feature_of_a_history_follows_its_definition()
    {
        var schema = PropensityFeatureBuilder.ChooseSchema(History, Cutoff, "Order Completed");
        var table = PropensityFeatureBuilder.BuildTraining(History, Cutoff, Churn, schema);

        var expected = new Dictionary<string, float>
        {
            ["recency_days"] = 20, ["frequency"] = 2, ["monetary"] = 100, ["average_order_value"] = 50, ["tenure_days"] = 100,
            ["days_since_last_event"] = 5, ["mean_days_between_orders"] = 40, ["orders_7d"] = 0, ["orders_30d"] = 1, ["orders_90d"] = 2,
            ["revenue_30d"] = 60, ["revenue_90d"] = 100, ["events_7d"] = 1, ["events_30d"] = 2, ["events_90d"] = 3,
            ["events_7d[Product Viewed]"] = 1, ["events_30d[Product Viewed]"] = 1, ["events_90d[Product Viewed]"] = 1,
        };
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), table.Schema.FeatureNames.Order(StringComparer.Ordinal));
        foreach (var (feature, value) in expected)
        {
            Assert.True(value == Value(table, "a", feature), $"{feature}: expected {value}, got {Value(table, "a", feature)}");
        }
        Assert.True(float.IsNaN(Value(table, "c", "mean_days_between_orders")), "one order before the cutoff has no gap between orders");
    }

    [Fact]
    public void Churn_population_is_customers_who_ordered_before_the_cutoff_and_the_label_is_no_order_in_the_horizon()
    {
        var table = PropensityFeatureBuilder.BuildTraining(History, Cutoff, Churn, new FeatureSchema([]));

        Assert.Equal(["a", "c"], table.ProfileIds);
        // a orders 10 days after the cutoff; c orders exactly at the cutoff, the first moment of the label window.
        Assert.Equal([false, false], table.Labels!);

        var later = PropensityFeatureBuilder.BuildTraining(History, Cutoff.AddDays(-150), Churn, new FeatureSchema([]));
        Assert.Equal(["c"], later.ProfileIds);
        Assert.Equal([true], later.Labels!);
    }

    [Fact]
    public void Next_purchase_population_is_every_profile_seen_before_the_cutoff_and_the_label_is_an_order_in_the_horizon()
    {
        var table = PropensityFeatureBuilder.BuildTraining(History, Cutoff, NextPurchase, new FeatureSchema([]));

        Assert.Equal(["a", "b", "c"], table.ProfileIds);
        // b's order comes 31 days after the cutoff: outside the 30-day horizon. d is seen only after the cutoff.
        Assert.Equal([true, false, true], table.Labels!);
        Assert.Equal(3f, Value(table, "b", "recency_days"));
    }

    [Fact]
    public void Nothing_at_or_after_the_cutoff_reaches_a_feature()
    {
        var past = History.Where(e => e.Time < Cutoff).ToArray();
        var schema = PropensityFeatureBuilder.ChooseSchema(History, Cutoff, "Order Completed");
        var withFuture = PropensityFeatureBuilder.BuildTraining(History, Cutoff, NextPurchase, schema);
        var withoutFuture = PropensityFeatureBuilder.BuildTraining(past, Cutoff, NextPurchase, schema);

        Assert.Equal(withoutFuture.ProfileIds, withFuture.ProfileIds);
        for (var i = 0; i < withFuture.Rows.Length; i++)
        {
            Assert.Equal(withoutFuture.Rows[i], withFuture.Rows[i]);
        }
        Assert.NotEqual(withoutFuture.Labels, withFuture.Labels);
    }

    [Fact]
    public void Scoring_features_are_as_of_the_moment_given_and_carry_no_labels()
    {
        var schema = new FeatureSchema(["Product Viewed"]);
        var asOf = Cutoff.AddDays(50);
        var table = PropensityFeatureBuilder.BuildForScoring(History, asOf, Churn, schema);

        Assert.Null(table.Labels!);
        Assert.Equal(["a", "b", "c", "d"], table.ProfileIds);
        Assert.Equal(5f, Value(table, "a", "recency_days"));
        Assert.Equal(4f, Value(table, "a", "frequency"));
    }

    [Fact]
    public void Event_columns_are_the_most_frequent_non_order_names_before_the_cutoff()
    {
        PropensityEvent[] events =
        [
            E("a", "Product Viewed", -3), E("b", "Product Viewed", -2), E("a", "Added", -1), E("a", "Order Completed", -1),
            E("a", "Beta", -4), E("a", "Future Only", 1), E("b", "Future Only", 2), E("c", "Future Only", 3),
        ];

        Assert.Equal(["Product Viewed", "Added", "Beta"], PropensityFeatureBuilder.ChooseSchema(events, Cutoff, "Order Completed").EventNames);
        Assert.Equal(["Product Viewed", "Added"], PropensityFeatureBuilder.ChooseSchema(events, Cutoff, "Order Completed", maxEventNames: 2).EventNames);
    }
}
