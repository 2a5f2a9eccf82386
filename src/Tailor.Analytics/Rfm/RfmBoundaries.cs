namespace Tailor.Analytics.Rfm;

/// <summary>
/// The quintile boundaries of a run, so a customer whose orders change can be re-scored without ranking everyone again:
/// for each measure, the largest value that fell in bins 1, 2, 3 and 4 (ascending). A new value v gets bin
/// 1 + (number of boundaries strictly below v); the recency score is 6 minus the recency bin. Where the run split equal
/// values across two bins (rank "first"), a re-scored customer with that value gets the lower bin.
/// </summary>
/// <param name="RecencyDays">Upper recency (days) of bins 1…4: bin 1 holds the most recent customers (R = 5).</param>
/// <param name="Frequency">Upper frequency of bins 1…4.</param>
/// <param name="Monetary">Upper monetary value of bins 1…4.</param>
public sealed record RfmBoundaries(IReadOnlyList<double> RecencyDays, IReadOnlyList<double> Frequency, IReadOnlyList<double> Monetary)
{
    /// <summary>Scores one customer against these boundaries.</summary>
    public RfmCustomer Score(string customerId, DateTimeOffset lastOrderAt, int frequency, double monetary, DateTimeOffset asOf)
    {
        var recency = RfmAnalysis.RecencyDays(lastOrderAt, asOf);
        return new RfmCustomer(customerId, lastOrderAt, recency, frequency, monetary,
            R: 6 - BinOf(RecencyDays, recency), F: BinOf(Frequency, frequency), M: BinOf(Monetary, monetary));
    }

    private static int BinOf(IReadOnlyList<double> upper, double value)
    {
        var bin = 1;
        for (var i = 0; i < upper.Count; i++)
        {
            if (value > upper[i])
            {
                bin++;
            }
        }
        return bin;
    }
}
