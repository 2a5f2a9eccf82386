using Tailor.Analytics.Lifetime;

namespace Tailor.Analytics.Tests.Lifetime;

public sealed class CalibrationSummariesTests
{
    private static readonly DateOnly End = new(1997, 9, 30);

    [Fact]
    public void Purchases_are_counted_by_day_after_the_first_with_times_in_weeks()
    {
        Transaction[] t =
        [
            new("a", new(1997, 1, 1), 10), new("a", new(1997, 1, 1), 5), // same day: one purchase of 15
            new("a", new(1997, 1, 15), 20), new("a", new(1997, 1, 15), 2), new("a", new(1997, 3, 5), 30),
            new("a", new(1997, 10, 1), 99), // after the calibration end
            new("b", new(1997, 9, 2), 12),
            new("c", new(1997, 9, 30), 40), // first purchase on the end day: T = 0, left out
        ];
        var summaries = CalibrationSummaries.Of(t, End);
        Assert.Equal(["a", "b"], summaries.Select(s => s.CustomerId));
        var a = summaries[0];
        Assert.Equal(2, a.Frequency);
        Assert.Equal(63 / 7.0, a.Recency, 1e-12); // 1 Jan → 5 Mar is 63 days
        Assert.Equal(272 / 7.0, a.Age, 1e-12);    // 1 Jan → 30 Sep is 272 days (38.86 weeks, as in the papers)
        Assert.Equal((22 + 30) / 2.0, a.MonetaryValue, 1e-12); // repeat days only
        var b = summaries[1];
        Assert.Equal((0, 0.0, 4.0, 0.0), (b.Frequency, b.Recency, b.Age, b.MonetaryValue));
    }

    [Fact]
    public void The_period_length_sets_the_unit_of_time()
    {
        var summaries = CalibrationSummaries.Of([new("a", new(1997, 9, 1), 1), new("a", new(1997, 9, 11), 1)], End, periodDays: 1);
        Assert.Equal((1, 10.0, 29.0), (summaries[0].Frequency, summaries[0].Recency, summaries[0].Age));
    }
}
