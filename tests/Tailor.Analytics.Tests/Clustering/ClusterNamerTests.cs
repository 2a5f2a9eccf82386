using Tailor.Analytics.Clustering;

namespace Tailor.Analytics.Tests.Clustering;

public sealed class ClusterNamerTests
{
    private static readonly string[] Rfm = ["recency_days", "order_count", "revenue"];

    [Theory]
    [InlineData(1.0, 0.8, 0.0, "High-Value Lapsed")]
    [InlineData(1.0, -0.2, -0.9, "Lapsed")]
    [InlineData(-0.6, 0.9, 1.2, "Champions")]
    [InlineData(0.0, 0.9, 0.2, "Frequent Buyers")]
    [InlineData(0.0, 0.1, 0.7, "Big Spenders")]
    [InlineData(-0.8, -0.9, 0.0, "New Customers")]
    [InlineData(0.2, -0.6, -0.7, "Occasional Low Spenders")]
    [InlineData(-0.7, 0.0, 0.3, "Recently Active")]
    [InlineData(0.4, -0.4, 0.49, "Typical")]
    public void The_rule_table_names_rfm_shapes(double recency, double frequency, double monetary, string name) =>
        Assert.Equal(name, ClusterNamer.Name(Rfm, [recency, frequency, monetary]));

    [Fact]
    public void Features_without_a_role_name_the_cluster_by_the_strongest_one_and_repeats_are_numbered()
    {
        string[] features = ["pages_per_session_ratio", "tenure_months"];

        var names = ClusterNamer.NameAll(features, [[0.2, -1.4], [0.1, -0.9], [0.1, 0.1]]);

        Assert.Equal(["Low tenure_months", "Low tenure_months 2", "Typical"], names);
    }
}
