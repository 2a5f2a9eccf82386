using System.Globalization;
using System.Text.Json;
using Tailor.Analytics.Rfm;

namespace Tailor.Analytics.Tests.Rfm;

/// <summary>
/// RFM against pandas (Fixtures/Rfm/make_rfm_reference.py, pandas 1.5.3) on an 80-customer slice of Online Retail
/// (CC BY 4.0, see Fixtures/ATTRIBUTION.md), as of 2011-12-10T00:00:00Z.
/// </summary>
public sealed class RfmPandasReferenceTests
{
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "Fixtures", "Rfm");
    private static readonly DateTimeOffset AsOf = new(2011, 12, 10, 0, 0, 0, TimeSpan.Zero);

    private static IEnumerable<RfmOrder> Orders() =>
        File.ReadLines(Path.Combine(Folder, "online_retail_orders.csv")).Skip(1).Select(line =>
        {
            var f = line.Split(',');
            return new RfmOrder(f[0], DateTimeOffset.Parse(f[1], CultureInfo.InvariantCulture), double.Parse(f[2], CultureInfo.InvariantCulture), f[3]);
        });

    [Fact]
    public void Recency_frequency_monetary_scores_and_groups_match_pandas_on_an_Online_Retail_slice()
    {
        var result = RfmAnalysis.Compute(Orders(), AsOf);
        var expected = File.ReadLines(Path.Combine(Folder, "rfm_reference.csv")).Skip(1).Select(l => l.Split(',')).ToArray();
        Assert.Equal(80, expected.Length);
        Assert.Equal(expected.Length, result.Customers.Count);
        for (var i = 0; i < expected.Length; i++)
        {
            var e = expected[i];
            var c = result.Customers[i];
            Assert.Equal(e[0], c.CustomerId);
            Assert.Equal(int.Parse(e[1], CultureInfo.InvariantCulture), c.RecencyDays);
            Assert.Equal(int.Parse(e[2], CultureInfo.InvariantCulture), c.Frequency);
            Assert.Equal(double.Parse(e[3], CultureInfo.InvariantCulture), c.Monetary, 1e-6);
            Assert.Equal((int.Parse(e[4], CultureInfo.InvariantCulture), int.Parse(e[5], CultureInfo.InvariantCulture), int.Parse(e[6], CultureInfo.InvariantCulture)), (c.R, c.F, c.M));
            Assert.Equal(e[7], RfmGroups.NameOf(c.Group));
        }
    }

    [Fact]
    public void Orders_after_the_as_of_moment_are_ignored()
    {
        var cutoff = new DateTimeOffset(2011, 6, 1, 0, 0, 0, TimeSpan.Zero);
        var all = Orders().ToArray();
        var result = RfmAnalysis.Compute(all, cutoff);
        var before = all.Where(o => o.Time <= cutoff).ToArray();
        Assert.Equal(before.Select(o => o.CustomerId).Distinct().Count(), result.Customers.Count);
        foreach (var c in result.Customers)
        {
            var mine = before.Where(o => o.CustomerId == c.CustomerId).ToArray();
            Assert.Equal(mine.Select(o => o.OrderId).Distinct().Count(), c.Frequency);
            Assert.Equal((int)Math.Floor((cutoff - mine.Max(o => o.Time)).TotalDays), c.RecencyDays);
        }
    }

    [Fact]
    public void Quintile_bins_match_pandas_qcut_on_rank_first_for_2_to_60_values()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "qcut_reference.json")));
        var checkedSizes = 0;
        foreach (var entry in doc.RootElement.EnumerateObject())
        {
            var n = int.Parse(entry.Name, CultureInfo.InvariantCulture);
            var expected = entry.Value.EnumerateArray().Select(v => v.GetInt32()).ToArray();
            var bins = QuintileScores.Of(Enumerable.Range(0, n).Select(i => (double)i).ToArray());
            Assert.Equal(expected, bins);
            checkedSizes++;
        }
        Assert.Equal(59, checkedSizes);
    }

    [Fact]
    public void Equal_values_are_ranked_in_the_order_given_like_rank_first()
    {
        // Ten equal values: rank "first" spreads them over all five bins in the order given.
        Assert.Equal([1, 1, 2, 2, 3, 3, 4, 4, 5, 5], QuintileScores.Of(Enumerable.Repeat(7.0, 10).ToArray()));
        Assert.Equal([1], QuintileScores.Of([3.0]));
    }
}
