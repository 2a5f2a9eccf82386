using Tailor.Analytics.Recommendations;

namespace Tailor.Analytics.Tests.Recommendations;

public sealed class HoldoutSplitTests
{
    private static readonly DateTimeOffset T0 = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static List<Interaction> UserWith(string user, int n) =>
        [.. Enumerable.Range(0, n).Select(k => new Interaction(user, $"{user}-item{k}", T0.AddDays(n - k)))]; // given newest first

    [Theory]
    [InlineData(4, 0)]   // below the minimum of 5: all for training
    [InlineData(5, 1)]   // 1.0 + ½ → 1
    [InlineData(7, 1)]   // 1.4 + ½ → 1
    [InlineData(8, 2)]   // 1.6 + ½ → 2
    [InlineData(12, 2)]  // 2.4 + ½ → 2
    [InlineData(13, 3)]  // 2.6 + ½ → 3
    [InlineData(100, 20)]
    public void The_last_fifth_by_time_is_held_out_rounded_half_up(int n, int heldOut)
    {
        var split = HoldoutSplit.Of(UserWith("u", n));
        Assert.Equal(heldOut, split.HeldOut);
        Assert.Equal(n - heldOut, split.Train.Count);
        if (heldOut == 0) { Assert.Empty(split.Relevant); return; }
        // Given newest first, the held-out ones are the first heldOut items listed: the latest times.
        Assert.Equal(Enumerable.Range(0, heldOut).Select(k => $"u-item{k}").ToHashSet(), split.Relevant["u"]);
        Assert.True(split.Train.Max(i => i.Time) < T0.AddDays(n - heldOut + 1));
    }

    [Fact]
    public void Equal_times_keep_the_order_given_and_items_already_in_training_are_not_relevant()
    {
        var rows = new List<Interaction>
        {
            new("u", "a", T0), new("u", "b", T0), new("u", "c", T0), new("u", "d", T0),
            new("u", "a", T0.AddDays(1)), // a repeat of a training item: held out but not relevant
            new("u", "e", T0.AddDays(1)),
            new("u", "f", T0.AddDays(1)), new("u", "g", T0.AddDays(1)), new("u", "h", T0.AddDays(1)), new("u", "i", T0.AddDays(1)),
        };
        var split = HoldoutSplit.Of(rows);
        Assert.Equal(2, split.HeldOut);
        Assert.Equal(["h", "i"], split.Relevant["u"].Order());
        var onlyRepeat = HoldoutSplit.Of([.. rows.Take(4), new("u", "a", T0.AddDays(1))]);
        Assert.Equal(1, onlyRepeat.HeldOut);
        Assert.Empty(onlyRepeat.Relevant); // nothing new to find: the user is not evaluated
    }
}
