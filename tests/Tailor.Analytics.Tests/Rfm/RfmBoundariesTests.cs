using Tailor.Analytics.Rfm;

namespace Tailor.Analytics.Tests.Rfm;

public sealed class RfmBoundariesTests
{
    private static readonly DateTimeOffset AsOf = new(2026, 1, 31, 12, 0, 0, TimeSpan.Zero);

    // Ten customers c0…c9: c_i last ordered i·10 days before the as-of moment, with i + 1 orders of 100 each.
    private static RfmOrder[] Orders() =>
        [.. from i in Enumerable.Range(0, 10)
            from k in Enumerable.Range(0, i + 1)
            select new RfmOrder($"c{i}", AsOf.AddDays(-10 * i - k), 100, $"o{i}-{k}")];

    [Fact]
    public void Rescoring_a_customer_of_the_run_against_its_boundaries_gives_the_same_scores()
    {
        var result = RfmAnalysis.Compute(Orders(), AsOf);
        foreach (var c in result.Customers)
        {
            var again = result.Boundaries.Score(c.CustomerId, c.LastOrderAt, c.Frequency, c.Monetary, AsOf);
            Assert.Equal((c.R, c.F, c.M, c.Group), (again.R, again.F, again.M, again.Group));
        }
    }

    [Fact]
    public void A_new_order_moves_a_customer_up_against_the_stored_boundaries()
    {
        var result = RfmAnalysis.Compute(Orders(), AsOf);
        var lapsed = result.Customers.Single(c => c.CustomerId == "c9");
        Assert.Equal((1, 5), (lapsed.R, lapsed.F));
        var later = AsOf.AddDays(1);
        var after = result.Boundaries.Score("c9", later, lapsed.Frequency + 1, lapsed.Monetary + 100, later);
        Assert.Equal(0, after.RecencyDays);
        Assert.Equal((5, 5, 5), (after.R, after.F, after.M));
        Assert.Equal(RfmGroup.Champions, after.Group);
    }

    [Fact]
    public void Recency_is_whole_days_rounded_down()
    {
        Assert.Equal(0, RfmAnalysis.RecencyDays(AsOf.AddHours(-23.9), AsOf));
        Assert.Equal(1, RfmAnalysis.RecencyDays(AsOf.AddHours(-24), AsOf));
        Assert.Equal(2, RfmAnalysis.RecencyDays(AsOf.AddHours(-71), AsOf));
    }

    [Fact]
    public void No_orders_gives_an_empty_table()
    {
        var result = RfmAnalysis.Compute([], AsOf);
        Assert.Empty(result.Customers);
        Assert.Empty(result.Boundaries.Frequency);
    }
}
