using Tailor.Analytics.Rfm;

namespace Tailor.Analytics.Tests.Rfm;

public sealed class RfmGroupsTests
{
    [Theory]
    [InlineData(5, 5, "Champions")]
    [InlineData(5, 4, "Champions")]
    [InlineData(4, 4, "Loyal")]
    [InlineData(3, 5, "Loyal")]
    [InlineData(5, 2, "Potential Loyalists")]
    [InlineData(4, 3, "Potential Loyalists")]
    [InlineData(5, 1, "New")]
    [InlineData(4, 1, "Promising")]
    [InlineData(3, 3, "Need Attention")]
    [InlineData(3, 1, "About to Sleep")]
    [InlineData(3, 2, "About to Sleep")]
    [InlineData(2, 3, "At Risk")]
    [InlineData(1, 4, "At Risk")]
    [InlineData(1, 5, "Can't Lose Them")]
    [InlineData(2, 5, "Can't Lose Them")]
    [InlineData(2, 1, "Hibernating")]
    [InlineData(1, 2, "Hibernating")]
    [InlineData(1, 1, "Lost")]
    public void Each_cell_of_the_documented_grid_has_its_group(int r, int f, string group) =>
        Assert.Equal(group, RfmGroups.NameOf(RfmGroups.Of(r, f)));

    [Fact]
    public void Every_group_is_reachable() =>
        Assert.Equal(Enum.GetValues<RfmGroup>().Length,
            (from r in Enumerable.Range(1, 5) from f in Enumerable.Range(1, 5) select RfmGroups.Of(r, f)).Distinct().Count());

    [Fact]
    public void A_score_outside_one_to_five_is_refused() => Assert.Throws<ArgumentOutOfRangeException>(() => RfmGroups.Of(0, 3));
}
